"""Package every function of an Inventory: build, zip reproducibly, name by content hash."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyarc.deploy.archive import sha256_hex, zip_directory
from pyarc.deploy.build import BuildOptions, build_function
from pyarc.deploy.dependencies import DependencyInstaller
from pyarc.deploy.node_imports import missing_packages
from pyarc.inventory.model import Function, Inventory


@dataclass(frozen=True)
class Artifact:
    """One function's zip: its bytes live at `path`; `sha256` names it in the bucket."""

    function_key: str  # Function.key, e.g. "http:get-index"
    path: Path
    sha256: str
    size: int
    warnings: tuple[str, ...] = ()  # what Lambda will trip over (a package the code lacks)

    def s3_key(self, prefix: str) -> str:
        return f"{prefix}/functions/{self.sha256}.zip"


def package_function(
    inventory: Inventory,
    fn: Function,
    work_dir: Path,
    installer: DependencyInstaller,
    options: BuildOptions | None = None,
) -> Artifact:
    """Build `fn` under `work_dir` and write its zip next to the build; return the Artifact."""
    safe_name = fn.key.replace(":", "-")
    build_dir = build_function(inventory, fn, work_dir / "build" / safe_name, installer, options)
    warnings = tuple(missing_packages(inventory, fn, build_dir)) if fn.config.is_node else ()
    data = zip_directory(build_dir)
    digest = sha256_hex(data)
    zip_path = work_dir / "zips" / f"{safe_name}.zip"
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    zip_path.write_bytes(data)
    return Artifact(fn.key, zip_path, digest, len(data), warnings)


def package_functions(
    inventory: Inventory,
    work_dir: Path | None = None,
    options: BuildOptions | None = None,
    functions: Iterable[Function] | None = None,
) -> dict[str, Artifact]:
    """Artifacts for every function (or `functions`), keyed by `Function.key`."""
    options = options or BuildOptions()
    work_dir = work_dir or Path(tempfile.mkdtemp(prefix="pyarc-build-"))
    installer = DependencyInstaller(
        work_dir / "deps", pip_args=list(options.pip_args), npm_args=list(options.npm_args)
    )
    chosen = list(functions) if functions is not None else inventory.functions
    return {fn.key: package_function(inventory, fn, work_dir, installer, options) for fn in chosen}
