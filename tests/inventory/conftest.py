"""Helpers: write an app dir (manifest plus any files) and load it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pyarc.errors import ManifestError
from pyarc.inventory import Inventory, load

AppFactory = Callable[..., Inventory]


@pytest.fixture
def write_app_dir(tmp_path: Path) -> Callable[..., Path]:
    def write(manifest: str, files: dict[str, str] | None = None, name: str = "app.arc") -> Path:
        (tmp_path / name).write_text(manifest)
        for rel, text in (files or {}).items():
            target = tmp_path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        return tmp_path

    return write


@pytest.fixture
def load_app(write_app_dir: Callable[..., Path]) -> AppFactory:
    def make(manifest: str, files: dict[str, str] | None = None) -> Inventory:
        return load(write_app_dir(manifest, files))

    return make


@pytest.fixture
def load_error(write_app_dir: Callable[..., Path]) -> Callable[..., ManifestError]:
    def make(manifest: str, files: dict[str, str] | None = None) -> ManifestError:
        root = write_app_dir(manifest, files)
        with pytest.raises(ManifestError) as caught:
            load(root)
        return caught.value

    return make
