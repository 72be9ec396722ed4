"""@static: folder, fingerprint, spa, prefix, ignore...; implied by @http (as in Architect)."""

from __future__ import annotations

from pyarc.inventory.model import Static
from pyarc.inventory.pragmas.context import Context
from pyarc.inventory.settings import as_bool, as_list, as_str, settings
from pyarc.inventory.source import describe

DISABLED = (False, "disable", "disabled")
STATIC_KEYS = (
    "folder", "fingerprint", "spa", "compression", "prefix", "ignore", "staging", "production",
    "public",
)


def read_static(ctx: Context) -> Static | None:
    source = ctx.source
    if not source.has("static"):
        return Static(implied=True) if source.has("http") else None
    items = source.items("static")
    if items and items[0] in DISABLED:
        return None
    static = Static()
    for setting in settings(source, "static"):
        key = setting.key
        if key == "folder":
            static.folder = as_str(source, "static", setting)
        elif key == "fingerprint":
            if setting.value == "external":
                static.fingerprint = "external"
            else:
                static.fingerprint = as_bool(source, "static", setting)
        elif key == "spa":
            static.spa = as_bool(source, "static", setting)
        elif key == "public":
            static.public = as_bool(source, "static", setting)
        elif key == "compression":
            static.compression = as_bool(source, "static", setting)
        elif key == "prefix":
            static.prefix = as_str(source, "static", setting).strip("/") or None
        elif key == "ignore":
            static.ignore += [describe(v) for v in as_list(setting.value)]
        elif key in ("staging", "production"):
            setattr(static, key, as_str(source, "static", setting))
        else:
            source.warn_unknown(f"@static {key}", key, STATIC_KEYS, "static", setting.index)
    if static.folder.startswith("/") or ".." in static.folder.split("/"):
        source.fail(f"@static folder '{static.folder}' must be a folder inside the app", "static")
    return static
