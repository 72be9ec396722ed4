"""`static(path)`: the URL of a file under `@static`, fingerprinted when `static.json` says so.

`static.json` maps original names to fingerprinted ones (`{"app.js": "app-7f3a1c.js"}`).
It is looked for, first found wins, at:

1. `$ARC_STATIC_MANIFEST` (an explicit path);
2. `$LAMBDA_TASK_ROOT/static.json` (the function's root: where `pyarc deploy` packages it);
3. `./static.json` (Lambda's working directory is the function root too);
4. `<staticPath>/static.json`, `staticPath` read from `$ARC_SANDBOX` (the sandbox sets it
   to the app's static folder, where fingerprinting writes `static.json`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

__all__ = ["static"]

PREFIX = "/_static/"

_cache: dict[Path, tuple[int, dict[str, str]]] = {}


def _candidates() -> list[Path]:
    found: list[Path] = []
    explicit = os.environ.get("ARC_STATIC_MANIFEST")
    if explicit:
        found.append(Path(explicit))
    task_root = os.environ.get("LAMBDA_TASK_ROOT")
    if task_root:
        found.append(Path(task_root) / "static.json")
    found.append(Path.cwd() / "static.json")
    static_path = _sandbox_static_path()
    if static_path:
        found.append(Path(static_path) / "static.json")
    return found


def _sandbox_static_path() -> str | None:
    try:
        described = json.loads(os.environ.get("ARC_SANDBOX") or "{}")
    except ValueError:
        return None
    found = described.get("staticPath") if isinstance(described, dict) else None
    return found if isinstance(found, str) and found else None


def _manifest() -> dict[str, str]:
    for candidate in _candidates():
        try:
            mtime = candidate.stat().st_mtime_ns
        except OSError:
            continue
        cached = _cache.get(candidate)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            loaded = json.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a half-written or broken manifest: fall back to plain names
        mapping = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        _cache[candidate] = (mtime, mapping)
        return mapping
    return {}


def static(path: str) -> str:
    """`/_static/<fingerprinted name>` for `path` when `static.json` lists it, else `/_static/<path>`."""
    name = path.lstrip("/")
    return PREFIX + _manifest().get(name, name)
