"""Find and read an app's manifest: app.arc, .arc, arc.json, arc.yaml, arc.yml, package.json."""

from __future__ import annotations

from pathlib import Path

from pyarc.errors import ManifestError
from pyarc.manifest.formats import parse_json, parse_yaml, to_document
from pyarc.manifest.grammar import Document, parse_document

MANIFEST_FILES = ("app.arc", ".arc", "arc.json", "arc.yaml", "arc.yml", "package.json")


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(
            f"{path.name} is not UTF-8 text (byte {exc.start}); save it as UTF-8", str(path)
        ) from None


def load_document(path: Path) -> Document:
    """Parse one manifest-shaped file by its name (`.json`, `.yaml`/`.yml`, else `.arc`)."""
    text = read_text(path)
    file = str(path)
    if path.name == "package.json":
        raw = parse_json(text, file)
        section = raw.get("arc", raw.get("architect"))
        if not isinstance(section, dict):
            raise ManifestError("package.json has no 'arc' object to read the app from", file)
        return to_document(section, file)
    if path.suffix == ".json":
        return to_document(parse_json(text, file), file)
    if path.suffix in (".yaml", ".yml"):
        return to_document(parse_yaml(text, file), file)
    return parse_document(text, file)


def find_manifest(cwd: Path) -> Path | None:
    for name in MANIFEST_FILES:
        candidate = cwd / name
        if not candidate.is_file():
            continue
        if name == "package.json" and not _package_has_arc(candidate):
            continue
        return candidate
    return None


def _package_has_arc(path: Path) -> bool:
    try:
        raw = parse_json(read_text(path), str(path))
    except ManifestError:
        return False
    return isinstance(raw.get("arc", raw.get("architect")), dict)


def read_document(cwd: Path) -> tuple[Path, Document]:
    cwd = Path(cwd)
    path = find_manifest(cwd)
    if path is None:
        raise ManifestError(
            f"no manifest found in {cwd}; create app.arc there (looked for "
            f"{', '.join(MANIFEST_FILES[:-1])} and an 'arc' key in package.json)"
        )
    return path, load_document(path)


def read(cwd: Path) -> tuple[Path, dict[str, list]]:
    """Discover and parse the manifest in `cwd`: (its path, its plain data)."""
    path, doc = read_document(cwd)
    return path, doc.data
