"""pyarc.functions is packaged alone into every Lambda: it may import only boto3/botocore,
cryptography and the standard library, never the rest of pyarc."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pyarc.functions

PACKAGE = Path(pyarc.functions.__file__).parent
ALLOWED_THIRD_PARTY = {"boto3", "botocore", "cryptography"}


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_sources_import_only_allowed_modules():
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for module in _imported_modules(path):
            top = module.split(".")[0]
            if module == "pyarc.functions" or module.startswith("pyarc.functions."):
                continue
            if top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY:
                continue
            offenders.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert offenders == []


def test_importing_it_loads_no_other_pyarc_module_nor_boto3():
    code = (
        "import json, sys; import pyarc.functions; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pyarc', 'boto3', 'cryptography'))))"
    )
    loaded = json.loads(subprocess.check_output([sys.executable, "-c", code], text=True))
    others = [m for m in loaded if m != "pyarc" and not m.startswith("pyarc.functions")]
    assert others == []  # boto3 and cryptography load on first use: faster cold starts
