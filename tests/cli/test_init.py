"""Issue 12 item 7: `pyarc init` makes an app whose sandbox and tests both run at once."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest


@pytest.mark.parametrize("flags", [(), ("--ws",), ("--tables",), ("--events",)])
def test_init_then_sandbox_and_pytest_work_at_once(
    tmp_path, flags, pyarc, start_pyarc, free_ports
) -> None:
    created = pyarc("init", "new-app", *flags, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    app = tmp_path / "new-app"
    assert {".gitignore", "app.arc", "tests/test_app.py", "src/http/get-index/lambda.py"} <= {
        p.relative_to(app).as_posix() for p in app.rglob("*") if p.is_file()
    }
    manifest = (app / "app.arc").read_text()
    assert manifest.startswith("@app\nnew-app\n\n@http\nget /\n")
    for flag, pragma in (("--ws", "@ws"), ("--tables", "@tables"), ("--events", "@events")):
        assert (pragma in manifest) == (flag in flags)

    sandbox = start_pyarc("sandbox", *free_ports, cwd=app)
    port = sandbox.port_of("pyarc sandbox")
    sandbox.wait_for_line("Ready in")
    assert sandbox.count("missing handlers") == 0
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=app, capture_output=True, text=True, timeout=300,
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    expected = 1 + len(flags)
    assert f"{expected} passed" in tests.stdout
    home = httpx.get(f"http://127.0.0.1:{port}/")
    assert home.status_code == 200 and "Hello from new-app" in home.text


def test_init_never_overwrites(tmp_path, pyarc) -> None:
    (tmp_path / "app.arc").write_text("@app\nmine\n")
    refused = pyarc("init", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.startswith(f"error: {tmp_path / 'app.arc'} already declares an app")
    assert (tmp_path / "app.arc").read_text() == "@app\nmine\n"

    other = tmp_path / "other"
    (other / "tests").mkdir(parents=True)
    (other / "tests/test_app.py").write_text("# mine\n")
    refused = pyarc("init", "other", "--tables", cwd=tmp_path)
    assert refused.returncode == 2
    assert f"{other / 'tests/test_app.py'} already exists; pyarc init never overwrites" in (
        refused.stderr
    )
    assert sorted(p.name for p in other.rglob("*")) == ["test_app.py", "tests"]


def test_init_names_the_app_after_the_folder_or_name(tmp_path, pyarc) -> None:
    (tmp_path / "My Shop!").mkdir()
    assert pyarc("init", cwd=tmp_path / "My Shop!").returncode == 0
    assert (tmp_path / "My Shop!/app.arc").read_text().startswith("@app\nmy-shop\n")
    bad = pyarc("init", "x", "--name", "Bad Name", cwd=tmp_path)
    assert bad.returncode == 2 and "--name 'Bad Name' is not a valid app name" in bad.stderr
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("installed", [True, False])
def test_init_says_how_to_get_pytest_when_this_python_lacks_it(
    tmp_path, monkeypatch, installed
) -> None:
    from click.testing import CliRunner

    from pyarc.cli import cli
    from pyarc.commands import init

    monkeypatch.setattr(init, "pytest_installed", lambda: installed)
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "fresh")])
    assert result.exit_code == 0, result.output
    assert "(and `python -m pytest` to run tests/test_app.py)" in result.output
    hint = "pytest is not installed in this Python: `python -m pip install pytest` first."
    assert (hint in result.output) is not installed
