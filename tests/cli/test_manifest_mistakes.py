"""Issue 12 item 4: manifest mistakes are loud in every command, and --strict refuses them."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from pyarc.inventory import load
from pyarc.testing import Sandbox, wait_until

HANDLER = 'def handler(event, context):\n    return {"statusCode": 200, "body": "home"}\n'


def _app(root: Path, manifest: str) -> Path:
    root.mkdir(exist_ok=True)
    (root / "app.arc").write_text(manifest)
    (root / "src/http/get-index").mkdir(parents=True)
    (root / "src/http/get-index/lambda.py").write_text(HANDLER)
    return root


TYPO_APP = "@app\ntypos\n\n@http\nget /\n\n@htpp\nget /typo\n"


def test_every_kind_of_unknown_name_warns_with_its_place_and_a_suggestion(tmp_path) -> None:
    extra = (
        "\n@events\nping\n  srcc src/x\n\n@ws\nrotate\n  scr src/y\n"
        "\n@scheduled\nnightly\n  rate 1 day\n  timezon Europe/Paris\n\n@cdn\nfalsee\n"
    )
    _app(tmp_path, TYPO_APP + "\n@aws\ntimout 10\n\n@static\nfingrprint true\n" + extra)
    (tmp_path / "src/http/get-index/config.arc").write_text("@aws\nmemmory 256\n")
    (tmp_path / "prefs.arc").write_text("@sandbox\nportz 1\n\n@sandbx\nx 1\n")
    warnings = load(tmp_path).warnings
    expected = [
        "app.arc:7:1: @htpp is not a pragma pyarc knows, so it is ignored; did you mean @http?",
        "app.arc:11:1: @aws timout is not a setting pyarc knows, so it is ignored; "
        "did you mean timeout?",
        "app.arc:14:1: @static fingrprint is not a setting pyarc knows, so it is ignored; "
        "did you mean fingerprint?",
        "src/http/get-index/config.arc:2:1: @aws memmory is not a setting pyarc knows, so it "
        "is ignored; did you mean memory?",
        "prefs.arc:2:1: @sandbox portz is not a setting pyarc knows, so it is ignored; "
        "did you mean ports?",
        "prefs.arc:4:1: @sandbx means nothing in prefs.arc, so it is ignored; "
        "did you mean @sandbox?",
        "app.arc:17:1: @events 'ping' setting 'srcc' is not a setting pyarc knows, so it is "
        "ignored; did you mean src?",
        "app.arc:21:1: @ws 'rotate' setting 'scr' is not a setting pyarc knows, so it is "
        "ignored; did you mean src?",
        "app.arc:25:1: @scheduled 'nightly' setting 'timezon' is not a setting pyarc knows, so "
        "it is ignored; did you mean timezone?",
        "app.arc:30:1: @cdn 'falsee' means nothing to pyarc, so it is ignored; write @cdn alone "
        "to put CloudFront in front of the app, or 'false' to leave it out",
    ]
    assert sorted(warnings) == sorted(expected)


@pytest.mark.parametrize(
    "args", [("deploy", "--dry-run"), ("inventory",), ("env",)]
)
def test_commands_that_read_the_manifest_warn_and_strict_refuses(tmp_path, args, pyarc) -> None:
    _app(tmp_path, TYPO_APP)
    warning = "app.arc:7:1: @htpp is not a pragma pyarc knows, so it is ignored; did you mean @http?"
    done = pyarc(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"warning: {warning}" in done.stderr
    strict = pyarc(*args, "--strict", cwd=tmp_path)
    assert strict.returncode == 2
    assert strict.stderr.startswith(f"error: {warning} (--strict"), strict.stderr
    assert "Traceback" not in strict.stderr
    from_env = pyarc(*args, cwd=tmp_path, env={"PYARC_STRICT": "1"})
    assert from_env.returncode == 2 and "--strict" in from_env.stderr


def test_dry_run_writes_no_template_under_strict(tmp_path, pyarc) -> None:
    _app(tmp_path, TYPO_APP)
    assert pyarc("deploy", "--dry-run", "--strict", cwd=tmp_path).returncode == 2
    assert not (tmp_path / "sam.yaml").exists()


def test_sandbox_warns_at_start_and_again_at_each_reload(tmp_path, start_pyarc, free_ports) -> None:
    _app(tmp_path, TYPO_APP)
    sandbox = start_pyarc("sandbox", *free_ports, cwd=tmp_path)
    sandbox.wait_for_line("Ready in")
    assert sandbox.count(r"warning: app\.arc:7:1: @htpp .*did you mean @http\?") == 1
    (tmp_path / "app.arc").write_text(TYPO_APP + "\n@aws\ntimout 10\n")
    sandbox.wait_for_line(r"warning: app\.arc:11:1: @aws timout .*did you mean timeout\?")
    wait_until(lambda: sandbox.count(r"warning: app\.arc:7:1: @htpp") == 2, 30, "2nd warning")


def test_strict_sandbox_refuses_to_start_and_keeps_old_routes_on_a_bad_reload(
    tmp_path, pyarc, start_pyarc, free_ports
) -> None:
    _app(tmp_path, TYPO_APP)
    refused = pyarc("sandbox", *free_ports, "--strict", cwd=tmp_path)
    assert refused.returncode == 2
    assert "error: app.arc:7:1: @htpp is not a pragma" in refused.stderr
    assert "Traceback" not in refused.stderr

    _app(tmp_path / "clean", "@app\nclean\n\n@http\nget /\n")
    sandbox = start_pyarc("sandbox", *free_ports, "--strict", cwd=tmp_path / "clean")
    port = sandbox.port_of("pyarc sandbox")
    sandbox.wait_for_line("Ready in")
    (tmp_path / "clean/app.arc").write_text("@app\nclean\n\n@htttp\nget /\n")
    sandbox.wait_for_line(r"error: app\.arc:4:1: @htttp is not a pragma .*previous routes")
    assert httpx.get(f"http://127.0.0.1:{port}/").text == "home"


def test_404_for_a_route_under_an_unknown_pragma_names_that_pragma(tmp_path) -> None:
    _app(tmp_path, TYPO_APP + "get /things/:id\n")
    with Sandbox(tmp_path) as sandbox:
        typo = httpx.get(f"{sandbox.url}/typo").json()["pyarc"]
        assert typo == (
            "No @http route matches GET /typo: `get /typo` is under @htpp in app.arc, which is "
            "not a pragma pyarc knows; rename it @http."
        )
        assert "`get /things/:id` is under @htpp" in httpx.get(f"{sandbox.url}/things/7").json()[
            "pyarc"
        ]
        other = httpx.get(f"{sandbox.url}/elsewhere").json()["pyarc"]
        assert other == (
            "No @http route matches GET /elsewhere: add `get /elsewhere` under @http in app.arc."
        )


def test_the_testing_api_warns_too_and_strict_refuses(tmp_path, capsys) -> None:
    from pyarc.inventory.strict import StrictManifestError

    _app(tmp_path, TYPO_APP)
    with Sandbox(tmp_path):
        pass
    assert "warning: app.arc:7:1: @htpp is not a pragma pyarc knows" in capsys.readouterr().out
    with pytest.raises(StrictManifestError, match=r"^app\.arc:7:1: @htpp .*\(--strict"):
        Sandbox(tmp_path, strict=True).start()
