"""@cdn, @proxy, @shared and @views."""

from __future__ import annotations

from pathlib import Path

from pyarc.inventory.model import Cdn
from pyarc.inventory.pragmas.context import Context
from pyarc.inventory.settings import settings
from pyarc.inventory.source import describe

ENVIRONMENTS = ("testing", "staging", "production")


def read_cdn(ctx: Context) -> Cdn | None:
    if not ctx.source.has("cdn"):
        return None
    items = ctx.source.items("cdn")
    off = (False, "false", "disable", "disabled")
    for index, item in enumerate(items):
        if item not in off and item not in (True, "true", "enable", "enabled"):
            ctx.source.warn(
                f"@cdn '{describe(item)}' means nothing to pyarc, so it is ignored; write @cdn "
                "alone to put CloudFront in front of the app, or 'false' to leave it out",
                "cdn",
                index,
            )
    if items and items[0] in off:
        return Cdn(enabled=False)
    return Cdn(enabled=True)


def read_proxy(ctx: Context) -> dict[str, str] | None:
    if not ctx.source.has("proxy"):
        return None
    proxy: dict[str, str] = {}
    for setting in settings(ctx.source, "proxy"):
        if setting.key not in ENVIRONMENTS:
            ctx.source.fail(
                f"@proxy '{setting.key}' is not an environment; use testing, staging or production",
                "proxy",
                setting.index,
            )
        url = describe(setting.value)
        if not url.startswith(("http://", "https://")):
            ctx.source.fail(
                f"@proxy {setting.key} needs an http:// or https:// URL, not '{url}'",
                "proxy",
                setting.index,
            )
        proxy[setting.key] = url
    return proxy


def _code_dir(ctx: Context, pragma: str, default: str) -> list[Path] | None:
    """@shared / @views: `src <dir>` overrides the default dir; present when declared or found."""
    folder = ctx.cwd / default
    declared = ctx.source.has(pragma)
    for setting in settings(ctx.source, pragma):
        if setting.key == "src":
            folder = ctx.cwd / describe(setting.value)
    if declared or folder.is_dir():
        return [folder.resolve()]
    return None


def read_shared(ctx: Context) -> list[Path] | None:
    return _code_dir(ctx, "shared", "src/shared")


def read_views(ctx: Context) -> list[Path] | None:
    return _code_dir(ctx, "views", "src/views")
