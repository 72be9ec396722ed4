"""Inventory -> CloudFormation/SAM template: a pure function of its input."""

from __future__ import annotations

from collections.abc import Mapping

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory, logical_id
from pyarc.inventory.model import stack_name as model_stack_name
from pyarc.template.cdn import add_cdn
from pyarc.template.context import CodeUri, Draft, Json
from pyarc.template.events import add_events
from pyarc.template.functions import add_functions
from pyarc.template.http import add_http
from pyarc.template.iam import add_logging_grant, add_role
from pyarc.template.queues import add_queues
from pyarc.template.scanners import add_scanner_notes
from pyarc.template.scheduled import add_scheduled
from pyarc.template.ssm import add_parameters
from pyarc.template.static import add_static
from pyarc.template.streams import add_streams
from pyarc.template.tables import add_tables
from pyarc.template.ws import add_ws

ENVIRONMENTS = ("staging", "production")
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"

# Order matters only where one step edits what another made: functions come first
# (routes, topics, queues and streams attach events to them); the role comes last
# (it collects every grant).
STEPS = (
    add_functions,
    add_static,
    add_http,
    add_ws,
    add_tables,
    add_streams,
    add_events,
    add_queues,
    add_scheduled,
    add_cdn,
    add_parameters,
    add_logging_grant,
    add_role,
    add_scanner_notes,
)


def check_env(env: str) -> None:
    if env not in ENVIRONMENTS:
        raise PyarcError(f"Unknown environment {env!r}; deploy to staging or production.")


def stack_name(inventory: Inventory, env: str, name_suffix: str | None = None) -> str:
    """`<AppName>Staging` / `<AppName>Production`, plus the PascalCase `--name` suffix."""
    check_env(env)
    name = model_stack_name(inventory.app, env)
    if name_suffix:
        suffix = logical_id(name_suffix)
        if not suffix:
            raise PyarcError(
                f"Stack name suffix {name_suffix!r} has no letters or digits; pass one that does."
            )
        name += suffix
    if not name[:1].isalpha() or len(name) > 128:
        raise PyarcError(
            f"Stack name {name!r} must start with a letter and be at most 128 characters; "
            "rename the @app or shorten --name."
        )
    return name


def build_draft(
    inventory: Inventory, env: str, code_uris: Mapping[str, CodeUri] | None = None
) -> Draft:
    """Every step applied: the resources, and what each function's role holds and why."""
    check_env(env)
    draft = Draft(inventory=inventory, env=env, code_uris=dict(code_uris or {}))
    for step in STEPS:
        step(draft)
    if not draft.resources:
        raise PyarcError(
            f"{inventory.manifest.name} declares nothing to deploy; add @http, @ws, @tables, "
            "@static or another pragma first."
        )
    return draft


def build(
    inventory: Inventory,
    env: str = "staging",
    *,
    name_suffix: str | None = None,
    code_uris: Mapping[str, CodeUri] | None = None,
) -> Json:
    """The SAM template for `inventory` deployed to `env`.

    `code_uris` maps `Function.key` to an S3 URI or `{"Bucket", "Key"}`; functions not in it
    get their source directory relative to the app dir (what `sam build` expects).
    """
    name = stack_name(inventory, env, name_suffix)
    draft = build_draft(inventory, env, code_uris)
    template: Json = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": SAM_TRANSFORM,
        "Description": f"pyarc app {inventory.app} ({env}), stack {name}",
    }
    if draft.notes:
        template["Metadata"] = {"pyarc": {"Notes": list(draft.notes)}}
    template["Resources"] = draft.resources
    if draft.outputs:
        template["Outputs"] = draft.outputs
    return template
