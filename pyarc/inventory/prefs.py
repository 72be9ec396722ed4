"""prefs.arc (`@sandbox`, `@env`) and `.env` (which replaces `@env testing`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from pyarc.inventory.model import Prefs, SandboxPrefs
from pyarc.inventory.settings import Setting, as_bool, as_int, as_str, settings
from pyarc.inventory.source import Source, describe, did_you_mean
from pyarc.manifest import parse_document
from pyarc.manifest.discovery import read_text

PREFS_FILES = ("prefs.arc", "preferences.arc")
ENVIRONMENTS = ("testing", "staging", "production")
ENV_VAR = re.compile(r"^[a-zA-Z0-9_]+$")
PORT_NAMES = ("http", "tables", "events", "_arc")
SANDBOX_KEYS = (
    "ports", *PORT_NAMES, "env", "seed-data", "persist", "useAWS", "idle-timeout", "max-workers",
    "fire-at-start",
)
# prefs.arc pragmas: pyarc reads the first two; Architect's others are accepted quietly
PREFS_PRAGMAS = ("sandbox", "env", "sandbox-startup", "create")


def read_prefs(cwd: Path) -> tuple[Prefs, list[str]]:
    """Read prefs.arc and .env from the app dir; returns the prefs and any warnings."""
    prefs = Prefs()
    warnings: list[str] = []
    prefs_file = next((cwd / n for n in PREFS_FILES if (cwd / n).is_file()), None)
    if prefs_file is not None:
        source = Source(parse_document(read_text(prefs_file), str(prefs_file)), cwd)
        prefs.file = prefs_file
        prefs.sandbox = _sandbox(source)
        for env, values in _env(source).items():
            prefs.env[env] = values
        for pragma in source.doc.data:
            if pragma not in PREFS_PRAGMAS:
                hint = did_you_mean(pragma, PREFS_PRAGMAS[:2], prefix="@")
                source.warn(f"@{pragma} means nothing in prefs.arc, so it is ignored{hint}", pragma)
        warnings += source.warnings
    dotenv = cwd / ".env"
    if dotenv.is_file():
        values = {k: v or "" for k, v in dotenv_values(dotenv).items()}
        for key in values:
            if not ENV_VAR.match(key):
                warnings.append(
                    f".env: variable name '{key}' should use only letters, numbers and '_'"
                )
        prefs.env["testing"] = values
    return prefs, warnings


def _sandbox(source: Source) -> SandboxPrefs:
    sandbox = SandboxPrefs()
    for setting in settings(source, "sandbox"):
        key = setting.key
        if key == "ports":
            if not isinstance(setting.value, dict):
                source.fail(
                    "@sandbox ports takes a map of lines such as '  http 3333'",
                    "sandbox",
                    setting.index,
                )
            for name, port in setting.value.items():
                sandbox.ports[name] = _port(source, Setting(name, port, setting.index))
        elif key in PORT_NAMES or key.endswith("-port"):
            sandbox.ports[key.removesuffix("-port")] = _port(source, setting)
        elif key == "env":
            if isinstance(setting.value, dict):
                sandbox.env = {str(k): _env_value(v) for k, v in setting.value.items()}
            else:
                source.warn(
                    "@sandbox env takes a map of 'NAME value' lines; ignored",
                    "sandbox",
                    setting.index,
                )
        elif key in ("seed-data", "seed"):
            sandbox.seed_data = as_str(source, "sandbox", setting)
        elif key == "persist":
            sandbox.persist = as_str(source, "sandbox", setting)
        elif key == "useAWS":
            sandbox.useAWS = as_bool(source, "sandbox", setting)
        elif key == "fire-at-start":
            sandbox.fire_at_start = as_bool(source, "sandbox", setting)
        elif key in ("idle-timeout", "max-workers"):
            number = as_int(source, "sandbox", setting)
            if number < 1:
                source.fail(
                    f"@sandbox {key} {number} is too small; use a whole number of "
                    + ("seconds" if key == "idle-timeout" else "workers")
                    + " from 1",
                    "sandbox",
                    setting.index,
                )
            if key == "idle-timeout":
                sandbox.idle_timeout = number
            else:
                sandbox.max_workers = number
        else:
            source.warn_unknown(f"@sandbox {key}", key, SANDBOX_KEYS, "sandbox", setting.index)
    return sandbox


def _port(source: Source, setting: Setting) -> int:
    port = as_int(source, "sandbox", setting)
    if not 0 <= port <= 65535:
        source.fail(
            f"@sandbox port {setting.key} {port} is out of range; use 0 to 65535",
            "sandbox",
            setting.index,
        )
    return port


def _env_value(value: Any) -> str:
    return describe(value)  # lists join with spaces, booleans as true/false


def _env(source: Source) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for index, item in enumerate(source.items("env")):
        if isinstance(item, str):
            name, values = item, {}
        elif isinstance(item, dict):
            name, values = next(iter(item.items()))
            if isinstance(values, list):
                source.fail(f"@env {name} takes 'NAME value' lines indented below it", "env", index)
        else:
            source.fail(
                f"@env item '{describe(item)}' is not valid; write an environment name "
                "with 'NAME value' lines below it",
                "env",
                index,
            )
        if name not in ENVIRONMENTS:
            source.fail(
                f"@env '{name}' is not an environment; use testing, staging or production",
                "env",
                index,
            )
        for key in values:
            if not ENV_VAR.match(key):
                source.fail(
                    f"@env {name} variable name '{key}' may only use letters, numbers and '_'",
                    "env",
                    index,
                    key,
                )
        found[name] = {str(k): _env_value(v) for k, v in values.items()}
    return found
