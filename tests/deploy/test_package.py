"""Building and zipping functions: reproducible bytes, dependencies, shared code, helper."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest

from pyarc.deploy.archive import ZIP_EPOCH, zip_directory
from pyarc.deploy.build import BuildOptions
from pyarc.deploy.dependencies import Target
from pyarc.deploy.package import package_functions
from pyarc.deploy.runtime_helper import imported_top_level_modules, runtime_helper_requirements
from pyarc.errors import PyarcError
from pyarc.inventory.model import FunctionConfig

OFFLINE = BuildOptions(runtime_requirements=[])  # pyarc.functions needs nothing beyond Lambda


def names_in(zip_path: Path) -> list[str]:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.namelist()


def test_same_input_gives_identical_bytes_whatever_the_mtimes_and_order(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "b").mkdir(parents=True)
    (tree / "z.py").write_text("Z = 1\n")
    (tree / "a.py").write_text("A = 1\n")
    (tree / "b" / "c.txt").write_text("c\n")
    first = zip_directory(tree)
    for i, path in enumerate(sorted(tree.rglob("*"))):
        os.utime(path, (1_000_000 + i * 7919, 1_000_000 + i * 7919))
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"noise")
    second = zip_directory(tree)
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        assert zf.namelist() == ["a.py", "b/c.txt", "z.py"]
        assert {info.date_time for info in zf.infolist()} == {ZIP_EPOCH}
        assert {info.external_attr >> 16 & 0o777 for info in zf.infolist()} == {0o644}


def test_content_change_changes_the_hash(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "lambda.py").write_text("X = 1\n")
    before = zip_directory(tree)
    (tree / "lambda.py").write_text("X = 2\n")
    assert zip_directory(tree) != before


def test_building_twice_gives_the_same_sha256(tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    first = package_functions(inventory, tmp_path / "w1", OFFLINE)
    second = package_functions(inventory, tmp_path / "w2", OFFLINE)
    assert set(first) == {"http:get-index", "http:post-things"}
    for key, artifact in first.items():
        assert artifact.sha256 == second[key].sha256
        assert hashlib.sha256(artifact.path.read_bytes()).hexdigest() == artifact.sha256


def test_package_holds_handler_shared_code_and_runtime_helper(tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    artifacts = package_functions(inventory, tmp_path / "work", OFFLINE)
    names = names_in(artifacts["http:get-index"].path)
    assert "lambda.py" in names
    assert "shared/greeting.py" in names
    assert "pyarc/__init__.py" in names
    assert "pyarc/functions/__init__.py" in names
    assert not any(name.startswith("pyarc/sandbox") or name.endswith(".pyc") for name in names)


def test_requirements_are_installed_for_the_lambda_platform_offline(
    tmp_path: Path, make_app, build_wheel
) -> None:
    inventory = make_app(tmp_path / "app")
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "tinydep", "2.5")
    src = inventory.function("http:get-index").src
    (src / "requirements.txt").write_text("tinydep==2.5\n")
    options = BuildOptions(
        runtime_requirements=[], pip_args=["--no-index", "--find-links", str(wheels)]
    )
    artifacts = package_functions(inventory, tmp_path / "work", options)
    with zipfile.ZipFile(artifacts["http:get-index"].path) as zf:
        assert zf.read("tinydep/__init__.py") == b"VALUE = '2.5'\n"
        assert "requirements.txt" in zf.namelist()
    assert "tinydep/__init__.py" not in names_in(artifacts["http:post-things"].path)


def test_the_app_roots_requirements_go_into_every_function_as_the_sandbox_installs_them(
    tmp_path: Path, make_app, build_wheel
) -> None:
    from pyarc.inventory.lambda_package import requirement_files

    inventory = make_app(tmp_path / "app")
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "tinydep", "2.5")
    build_wheel(wheels, "owndep", "1.0")
    (inventory.cwd / "requirements.txt").write_text("tinydep==2.5\n")
    own = inventory.function("http:get-index")
    (own.src / "requirements.txt").write_text("owndep==1.0\n")
    options = BuildOptions(
        runtime_requirements=[], pip_args=["--no-index", "--find-links", str(wheels)]
    )
    artifacts = package_functions(inventory, tmp_path / "work", options)
    assert {"tinydep/__init__.py", "owndep/__init__.py"} <= set(
        names_in(artifacts["http:get-index"].path)
    )
    other = names_in(artifacts["http:post-things"].path)
    assert "tinydep/__init__.py" in other and "owndep/__init__.py" not in other
    # the one rule the sandbox follows too (pyarc/sandbox/workers/dependencies.py)
    assert requirement_files(inventory, own) == [
        own.src / "requirements.txt",
        inventory.cwd / "requirements.txt",
    ]


def test_missing_wheel_is_one_sentence_naming_the_requirements_file(
    tmp_path: Path, make_app
) -> None:
    inventory = make_app(tmp_path / "app")
    src = inventory.function("http:get-index").src
    (src / "requirements.txt").write_text("definitely-not-here==9.9\n")
    empty = tmp_path / "empty-index"
    empty.mkdir()
    options = BuildOptions(
        runtime_requirements=[], pip_args=["--no-index", "--find-links", str(empty)]
    )
    with pytest.raises(PyarcError) as raised:
        package_functions(inventory, tmp_path / "work", options)
    message = str(raised.value)
    assert str(src / "requirements.txt") in message
    assert "manylinux_2_34_aarch64" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("runtime", "architecture", "tag", "installs"),
    [
        # Lambda's python3.12+ runs on Amazon Linux 2023 (glibc 2.34): a wheel built only for
        # manylinux_2_28 (numpy 2.3 is one) runs there, so it must be installed
        ("python3.13", "arm64", "py3-none-manylinux_2_28_aarch64", True),
        ("python3.12", "x86_64", "py3-none-manylinux_2_34_x86_64", True),
        ("python3.13", "x86_64", "py3-none-manylinux_2_17_x86_64", True),
        ("python3.13", "x86_64", "py3-none-manylinux1_x86_64", True),
        # ... but python3.11 runs on Amazon Linux 2 (glibc 2.26), which cannot load it
        ("python3.11", "x86_64", "py3-none-manylinux_2_28_x86_64", False),
        # and never a wheel for the other architecture
        ("python3.13", "arm64", "py3-none-manylinux_2_28_x86_64", False),
    ],
)
def test_dependencies_take_every_manylinux_wheel_the_runtime_can_load(
    tmp_path: Path, make_app, build_wheel, runtime: str, architecture: str, tag: str, installs: bool
) -> None:
    inventory = make_app(tmp_path / "app")
    fn = inventory.function("http:get-index")
    fn.config.runtime = runtime
    fn.config.architecture = architecture
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "nativedep", "3.0", tag=tag)
    (fn.src / "requirements.txt").write_text("nativedep==3.0\n")
    options = BuildOptions(
        runtime_requirements=[], pip_args=["--no-index", "--find-links", str(wheels)]
    )
    if not installs:
        with pytest.raises(PyarcError, match="nativedep"):
            package_functions(inventory, tmp_path / "work", options, functions=[fn])
        return
    artifacts = package_functions(inventory, tmp_path / "work", options, functions=[fn])
    assert "nativedep/__init__.py" in names_in(artifacts["http:get-index"].path)


def test_missing_handler_directory_is_a_clear_error(tmp_path: Path, make_app) -> None:
    inventory = make_app(tmp_path / "app")
    (inventory.function("http:post-things").src / "lambda.py").unlink()
    with pytest.raises(PyarcError, match=r"src/http/post-things .*add src/http/post-things/lambda.py"):
        package_functions(inventory, tmp_path / "work", OFFLINE)


def test_target_follows_architecture_and_runtime() -> None:
    assert Target.of(FunctionConfig()) == Target("aarch64", "3.13")
    x86 = FunctionConfig(architecture="x86_64", runtime="python3.12")
    args = Target.of(x86).pip_args()
    platforms = [args[i + 1] for i, arg in enumerate(args) if arg == "--platform"]
    assert platforms[0] == "manylinux_2_34_x86_64"  # Amazon Linux 2023's glibc, preferred
    assert platforms[-2:] == ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]
    assert len(platforms) == 34 - 17 + 2
    assert args[len(platforms) * 2 :] == [
        "--only-binary=:all:", "--python-version", "3.12", "--implementation", "cp",
    ]  # fmt: skip
    al2 = Target.of(FunctionConfig(runtime="python3.11"))
    assert al2.platform == "manylinux_2_26_aarch64"  # Amazon Linux 2
    with pytest.raises(PyarcError, match="nodejs20.x"):
        Target.of(FunctionConfig(runtime="nodejs20.x"))


def test_runtime_helper_dependencies_are_detected_and_pinned(tmp_path: Path) -> None:
    helper = tmp_path / "helper"
    helper.mkdir()
    (helper / "a.py").write_text("import json\nimport boto3\nfrom yaml import safe_load\n")
    (helper / "b.py").write_text("def f():\n    import click.testing\n    from . import a\n")
    assert imported_top_level_modules(helper) == {"json", "boto3", "yaml", "click"}
    pins = runtime_helper_requirements(helper)
    assert [pin.split("==")[0].lower() for pin in pins] == ["click", "pyyaml"]
    assert all("==" in pin for pin in pins)


def test_sessions_crypto_goes_only_into_functions_that_use_sessions(
    tmp_path: Path, make_app, build_wheel
) -> None:
    inventory = make_app(tmp_path / "app")
    wheels = tmp_path / "wheels"
    build_wheel(wheels, "cryptography", "99.0")  # a stand-in wheel: no network
    src = inventory.function("http:get-index").src
    (src / "lambda.py").write_text(
        "from pyarc.functions import http\n\n\ndef handler(event, context):\n"
        "    return http.session_write({}, http.json(http.session_read(event)))\n"
    )
    options = BuildOptions(
        runtime_requirements=["cryptography==99.0"],
        pip_args=["--no-index", "--find-links", str(wheels)],
    )
    artifacts = package_functions(inventory, tmp_path / "work", options)
    assert "cryptography/__init__.py" in names_in(artifacts["http:get-index"].path)
    lean = names_in(artifacts["http:post-things"].path)
    assert "cryptography/__init__.py" not in lean
    assert "pyarc/functions/__init__.py" in lean  # the helper itself always goes in
    assert artifacts["http:post-things"].size < artifacts["http:get-index"].size
