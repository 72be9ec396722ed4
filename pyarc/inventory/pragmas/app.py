"""@app (the app name) and @aws (region, profile, API type, function defaults)."""

from __future__ import annotations

import re

from pyarc.inventory.model import Aws, FunctionConfig
from pyarc.inventory.pragmas.context import Context
from pyarc.inventory.settings import (
    FUNCTION_KEYS,
    apply_function_setting,
    as_bool,
    as_int,
    as_str,
    settings,
)
from pyarc.inventory.source import Source, describe, did_you_mean

# Architect's `looseName`, loosened to allow one-letter names.
APP_NAME = re.compile(r"^[a-z][a-zA-Z0-9_-]*$")
API_TYPES = ("http", "httpv1", "httpv2", "rest")
AWS_KEYS = (
    "region", "profile", "apigateway", "bucket", "roles", "throttle-rate", "throttle-burst",
    "retain-tables",
)  # fmt: skip
ROLE_MODELS = ("function", "shared")


def read_app(source: Source) -> str:
    items = source.items("app")
    if not source.has("app"):
        for pragma in source.doc.data:  # `@ap`, `@App`: a misspelt @app is the likely cause
            if did_you_mean(pragma, ("app",)) and pragma.lower() != "aws":
                source.fail(f"the manifest needs an app name: @{pragma} is not a pragma pyarc "
                            "knows; did you mean @app?", pragma)  # fmt: skip
    if not source.has("app") or not items:
        where = "app" if source.has("app") else next(iter(source.doc.data), "app")
        source.fail(
            "the manifest needs an app name: add '@app' and the name on the next line", where
        )
    name = items[0]
    if not isinstance(name, str) or not APP_NAME.match(name):
        source.fail(
            f"app name '{describe(name)}' must start with a lowercase letter and use only "
            "letters, numbers, '-' and '_'",
            "app",
            0,
        )
    if len(items) > 1:
        source.fail(f"@app takes one name; remove '{describe(items[1])}'", "app", 1)
    return name


def read_aws(ctx: Context) -> Aws:
    aws = Aws(defaults=FunctionConfig())
    source = ctx.source
    for setting in settings(source, "aws"):
        if apply_function_setting(aws.defaults, setting, source, "aws"):
            continue
        if setting.key == "region":
            aws.region = as_str(source, "aws", setting)
        elif setting.key == "profile":
            aws.profile = as_str(source, "aws", setting)
        elif setting.key == "bucket":
            aws.bucket = as_str(source, "aws", setting)
        elif setting.key == "apigateway":
            api = as_str(source, "aws", setting)
            if api not in API_TYPES:
                source.fail(
                    f"@aws apigateway '{api}' is not valid; use one of {', '.join(API_TYPES)}",
                    "aws",
                    setting.index,
                )
            aws.apigateway = api  # type: ignore[assignment]
        elif setting.key == "roles":
            roles = as_str(source, "aws", setting)
            if roles not in ROLE_MODELS:
                source.fail(
                    f"@aws roles '{roles}' is not valid; use function (a role per function, "
                    "the default) or shared (one role for the app, as Architect does)",
                    "aws",
                    setting.index,
                )
            aws.roles = roles  # type: ignore[assignment]
        elif setting.key in ("throttle-rate", "throttle-burst"):
            number = as_int(source, "aws", setting)
            if number < 1:
                source.fail(f"@aws {setting.key} must be 1 or more", "aws", setting.index)
            if setting.key == "throttle-rate":
                aws.throttle_rate = number
            else:
                aws.throttle_burst = number
        elif setting.key == "retain-tables":
            aws.retain_tables = as_bool(source, "aws", setting)
        else:
            source.warn_unknown(
                f"@aws {setting.key}", setting.key, AWS_KEYS + FUNCTION_KEYS, "aws", setting.index
            )
    ctx.defaults = aws.defaults
    return aws
