"""The `pyarc.functions` runtime helper, as it is shipped inside every function package.

Only `pyarc/functions/` goes in (with a minimal `pyarc/__init__.py`), never the rest of pyarc:
handlers import `pyarc.functions` on Lambda exactly as they do in the sandbox. Third-party
imports of the helper that Lambda's Python runtime lacks (anything but the standard library,
boto3 and botocore) are installed with it, pinned to the version installed here.
"""

from __future__ import annotations

import ast
import shutil
import sys
from importlib import metadata
from pathlib import Path

import pyarc.functions

LAMBDA_PROVIDED = frozenset(
    {"boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six", "pyarc"}
)
PACKAGE_INIT = '"""pyarc runtime helpers, packaged by `pyarc deploy`."""\n'


def helper_dir() -> Path:
    return Path(pyarc.functions.__file__).resolve().parent


def copy_runtime_helper(package_root: Path) -> None:
    """Put `pyarc/__init__.py` and `pyarc/functions/` into a function package."""
    dest = package_root / "pyarc"
    dest.mkdir(exist_ok=True)
    (dest / "__init__.py").write_text(PACKAGE_INIT)
    shutil.copytree(
        helper_dir(),
        dest / "functions",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        dirs_exist_ok=True,
    )


def imported_top_level_modules(root: Path) -> set[str]:
    """Top-level names imported (absolutely) by the .py files under `root`."""
    names: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def runtime_helper_requirements(root: Path | None = None) -> list[str]:
    """Pinned requirements (`cryptography==44.0.0`) of the helper that Lambda does not provide."""
    modules = imported_top_level_modules(root or helper_dir())
    third_party = sorted(
        m for m in modules if m not in sys.stdlib_module_names and m not in LAMBDA_PROVIDED
    )
    distributions = metadata.packages_distributions()
    pins: set[str] = set()
    for module in third_party:
        for dist in distributions.get(module, [module]):
            try:
                pins.add(f"{dist}=={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                pins.add(dist)
    return sorted(pins, key=str.lower)
