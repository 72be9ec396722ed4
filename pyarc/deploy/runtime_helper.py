"""The `pyarc.functions` runtime helper, as it is shipped inside every function package.

Only `pyarc/functions/` goes in (with a minimal `pyarc/__init__.py`), never the rest of pyarc:
handlers import `pyarc.functions` on Lambda exactly as they do in the sandbox. Third-party
imports of the helper that Lambda's Python runtime lacks (anything but the standard library,
boto3 and botocore) are installed with it, pinned to the version installed here.
"""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

import pyarc.functions
from pyarc.inventory.lambda_package import (
    HELPER_PACKAGE_INIT,
    LAMBDA_PROVIDED,
    helper_third_party_modules,
    imported_top_level_modules,
)

__all__ = ["LAMBDA_PROVIDED", "imported_top_level_modules", "runtime_helper_requirements"]


def helper_dir() -> Path:
    return Path(pyarc.functions.__file__).resolve().parent


def copy_runtime_helper(package_root: Path) -> None:
    """Put `pyarc/__init__.py` and `pyarc/functions/` into a function package."""
    dest = package_root / "pyarc"
    dest.mkdir(exist_ok=True)
    (dest / "__init__.py").write_text(HELPER_PACKAGE_INIT)
    shutil.copytree(
        helper_dir(),
        dest / "functions",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        dirs_exist_ok=True,
    )


# Distributions only an optional part of the helper needs -> the analysis' name for that use.
OPTIONAL_PARTS = {"cryptography": "sessions"}


def requirements_for(all_requirements: list[str], uses: set[str]) -> list[str]:
    """The helper's requirements a function needs: optional parts (sessions' crypto) only
    when the function's code uses them (`uses`: services seen by the code analysis)."""
    kept = []
    for pin in all_requirements:
        name = pin.split("==")[0].lower()
        if OPTIONAL_PARTS.get(name, "") in uses | {""}:
            kept.append(pin)
    return kept


def runtime_helper_requirements(root: Path | None = None) -> list[str]:
    """Pinned requirements (`cryptography==44.0.0`) of the helper that Lambda does not provide."""
    third_party = helper_third_party_modules(root or helper_dir())
    distributions = metadata.packages_distributions()
    pins: set[str] = set()
    for module in third_party:
        for dist in distributions.get(module, [module]):
            try:
                pins.add(f"{dist}=={metadata.version(dist)}")
            except metadata.PackageNotFoundError:
                pins.add(dist)
    return sorted(pins, key=str.lower)
