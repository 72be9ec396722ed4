"""Manifest + config.arc + prefs.arc + .env -> Inventory."""

from __future__ import annotations

from pathlib import Path

from pyarc.errors import ManifestError
from pyarc.inventory.model import Inventory
from pyarc.inventory.pragmas.app import read_app, read_aws
from pyarc.inventory.pragmas.context import Context
from pyarc.inventory.pragmas.events import read_events, read_queues
from pyarc.inventory.pragmas.extras import read_cdn, read_proxy, read_shared, read_views
from pyarc.inventory.pragmas.http import read_http
from pyarc.inventory.pragmas.scheduled import read_scheduled
from pyarc.inventory.pragmas.static import read_static
from pyarc.inventory.pragmas.tables import read_streams, read_tables
from pyarc.inventory.pragmas.ws import read_ws
from pyarc.inventory.prefs import ENVIRONMENTS, read_prefs
from pyarc.inventory.source import Source, describe, did_you_mean
from pyarc.manifest import Document, read_document

KNOWN_PRAGMAS = (
    "app",
    "aws",
    "http",
    "ws",
    "static",
    "tables",
    "tables-indexes",
    "tables-streams",
    "events",
    "queues",
    "scheduled",
    "cdn",
    "proxy",
    "shared",
    "views",
)
# Architect pragmas that pyarc accepts and ignores without a warning.
TOLERATED_PRAGMAS = ("plugins", "macros", "architect", "sandbox", "sandbox-startup", "create")


def load(cwd: Path | str, env: str = "testing") -> Inventory:
    """Read the app in `cwd` into an Inventory; handler dirs need not exist yet."""
    if env not in ENVIRONMENTS:
        raise ManifestError(f"unknown environment '{env}'; use testing, staging or production")
    root = Path(cwd).resolve()
    path, doc = read_document(root)
    return build(doc, root, path)


def build(doc: Document, cwd: Path, manifest: Path) -> Inventory:
    """A parsed manifest Document -> Inventory (also reads config.arc, prefs.arc, .env)."""
    source = Source(doc, cwd)
    ctx = Context(source=source, cwd=cwd)
    app = read_app(source)
    aws = read_aws(ctx)  # sets ctx.defaults, which every function starts from
    tables = read_tables(ctx) if source.has("tables") else []
    if source.has("tables-indexes") and not source.has("tables"):
        source.fail("@tables-indexes needs a @tables pragma declaring its tables", "tables-indexes")
    if source.has("tables-streams") and not source.has("tables"):
        source.fail("@tables-streams needs a @tables pragma declaring its tables", "tables-streams")
    inventory = Inventory(
        app=app,
        cwd=cwd,
        manifest=manifest,
        aws=aws,
        http=read_http(ctx),
        ws=read_ws(ctx),
        tables=tables,
        streams=read_streams(ctx, tables),
        events=read_events(ctx),
        queues=read_queues(ctx),
        scheduled=read_scheduled(ctx),
        static=read_static(ctx),
        cdn=read_cdn(ctx),
        proxy=read_proxy(ctx),
        shared=read_shared(ctx),
        views=read_views(ctx),
    )
    inventory.prefs, prefs_warnings = read_prefs(cwd)
    for pragma in doc.data:
        if pragma in KNOWN_PRAGMAS or pragma in TOLERATED_PRAGMAS:
            continue
        inventory.unknown_pragmas.append(pragma)
        inventory.unknown_pragma_lines[pragma] = [describe(item) for item in source.items(pragma)]
        source.warn(_unknown_pragma_message(pragma), pragma)
    inventory.warnings = source.warnings + prefs_warnings
    return inventory


def _unknown_pragma_message(pragma: str) -> str:
    """`@htpp is not a pragma pyarc knows, so it is ignored; did you mean @http?`"""
    hint = did_you_mean(pragma, KNOWN_PRAGMAS, prefix="@")
    return f"@{pragma} is not a pragma pyarc knows, so it is ignored{hint}"
