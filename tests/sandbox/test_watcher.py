"""The watcher's decision, on its own: which edits reload, recycle, or do nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyarc.inventory import load
from pyarc.inventory.model import Inventory
from pyarc.sandbox.watcher import Recycle, Reload, classify

MANIFEST = "@app\nwatched\n\n@http\nget /\npost /things\n"


@pytest.fixture
def inventory(tmp_path: Path) -> Inventory:
    (tmp_path / "app.arc").write_text(MANIFEST)
    for name in ("get-index", "post-things"):
        folder = tmp_path / "src" / "http" / name
        folder.mkdir(parents=True)
        (folder / "lambda.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "src" / "shared").mkdir()
    return load(tmp_path)


def keys(reaction: Recycle) -> list[str]:
    return sorted(fn.key for fn in reaction.functions)


@pytest.mark.parametrize("name", ["app.arc", "prefs.arc", ".env", "src/http/get-index/config.arc"])
def test_manifest_and_settings_files_reload(inventory: Inventory, name: str) -> None:
    assert classify({inventory.cwd / name}, inventory) == Reload()


def test_a_function_file_recycles_only_that_function(inventory: Inventory) -> None:
    reaction = classify({inventory.cwd / "src/http/post-things/lambda.py"}, inventory)
    assert isinstance(reaction, Recycle) and not reaction.shared and not reaction.reinstall
    assert keys(reaction) == ["http:post-things"]


def test_a_function_requirements_file_is_installed_again(inventory: Inventory) -> None:
    reaction = classify({inventory.cwd / "src/http/get-index/requirements.txt"}, inventory)
    assert isinstance(reaction, Recycle)
    assert [fn.key for fn in reaction.reinstall] == ["http:get-index"]


def test_shared_code_recycles_every_function(inventory: Inventory) -> None:
    reaction = classify({inventory.cwd / "src/shared/util.py"}, inventory)
    assert isinstance(reaction, Recycle) and reaction.shared and not reaction.reinstall
    assert keys(reaction) == ["http:get-index", "http:post-things"]


def test_the_app_requirements_reinstall_and_recycle_everything(inventory: Inventory) -> None:
    reaction = classify({inventory.cwd / "requirements.txt"}, inventory)
    assert isinstance(reaction, Recycle) and reaction.shared
    assert sorted(fn.key for fn in reaction.reinstall) == keys(reaction) == [
        "http:get-index",
        "http:post-things",
    ]


def test_unrelated_files_do_nothing(inventory: Inventory) -> None:
    assert classify({inventory.cwd / "notes.md", inventory.cwd / "public/x.css"}, inventory) is None


def test_deleting_a_function_folder_says_so_instead_of_new_code(tmp_path: Path) -> None:
    import shutil

    from pyarc.sandbox.watcher import Watcher
    from pyarc.testing import Sandbox

    (tmp_path / "app.arc").write_text(MANIFEST)
    for name in ("get-index", "post-things"):
        (tmp_path / "src/http" / name).mkdir(parents=True)
        (tmp_path / "src/http" / name / "lambda.py").write_text(
            "def handler(event, context):\n    return 1\n"
        )
    with Sandbox(tmp_path, watch=False) as sb:
        assert sb.server is not None
        said: list[str] = []
        sb.server.log.info = sb.server.log.warning = said.append  # type: ignore[method-assign]
        shutil.rmtree(tmp_path / "src/http/post-things")
        watcher = Watcher(sb.server)

        async def handle() -> None:
            watcher.handle({tmp_path / "src/http/post-things/lambda.py"})

        sb.call(handle)
    assert said == [
        "http:post-things: its folder src/http/post-things was deleted, so its invocations "
        "fail; restore it, or remove the function from app.arc"
    ]
