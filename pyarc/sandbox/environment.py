"""The environment each handler process receives in the sandbox.

What Lambda sets (region, dummy credentials), what Architect's sandbox sets
(`ARC_*`), endpoint variables so plain boto3 reaches the sandbox's own services,
then the user's `@env testing` / `.env` and `prefs.arc @sandbox env` values
(the user's values win).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from pyarc import __version__
from pyarc.inventory.model import Function, Inventory, stack_name
from pyarc.s3.names import bucket_name_for, valid_bucket_name
from pyarc.sandbox.config import ENV_NAME

DUMMY_ACCESS_KEY_ID = "arc_dummy_access_key"
DUMMY_SECRET_ACCESS_KEY = "arc_dummy_secret_key"
SESSION_TABLE_NAME = "jwe"
SANDBOX_ROLE = "SandboxRole"
ARCHITECT_SANDBOX_VERSION = "8.0.0"


@dataclass
class Ports:
    """The ports a running sandbox actually listens on (after binding)."""

    http: int
    tables: int | None = None
    arc: int | None = None
    events: int | None = None
    extra: dict[str, int] = field(default_factory=dict)

    def as_arc_sandbox(self) -> dict[str, int]:
        found = {"http": self.http}
        if self.tables is not None:
            found["tables"] = self.tables
        if self.events is not None:
            found["events"] = self.events
        if self.arc is not None:
            found["_arc"] = self.arc
        found.update(self.extra)
        return found


def local_host(host: str) -> str:
    """The address a local client should dial for a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def static_path(inventory: Inventory) -> str:
    folder = inventory.static.folder if inventory.static else "public"
    return str((inventory.cwd / folder).resolve())


def static_bucket(inventory: Inventory) -> str:
    """The `@static` bucket's name in the sandbox (`ARC_STATIC_BUCKET`): the one `@static`
    names for staging, else `<app>-staging-static`. The sandbox's S3 serves it from the
    static folder."""
    named = getattr(inventory.static, "staging", None) if inventory.static else None
    if isinstance(named, str) and valid_bucket_name(named):
        return named
    return bucket_name_for(f"{inventory.app}-staging-static")


def sandbox_origins(ports: Ports, host: str = "127.0.0.1") -> set[str]:
    """The origins of the pages the sandbox serves (its S3 allows them for CORS)."""
    return {f"http://{name}:{ports.http}" for name in ("localhost", "127.0.0.1", local_host(host))}


def sandbox_env(inventory: Inventory, ports: Ports, host: str = "127.0.0.1") -> dict[str, str]:
    """Variables common to every handler (and to a test process that wants to reach the sandbox)."""
    dial = local_host(host)
    region = inventory.aws.region
    env = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_ACCESS_KEY_ID": DUMMY_ACCESS_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": DUMMY_SECRET_ACCESS_KEY,
        "ARC_APP_NAME": inventory.app,
        "ARC_ENV": ENV_NAME,
        "ARC_ROLE": SANDBOX_ROLE,
        "ARC_SESSION_TABLE_NAME": SESSION_TABLE_NAME,
        "ARC_STACK_NAME": stack_name(inventory.app, ENV_NAME),
        "ARC_STATIC_BUCKET": static_bucket(inventory),
        "ARC_WSS_URL": f"ws://localhost:{ports.http}",
        "AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI": f"http://{dial}:{ports.http}",
    }
    if ports.tables is not None:  # the one AWS endpoint (aws_endpoint/) listens there
        env["AWS_ENDPOINT_URL"] = f"http://{dial}:{ports.tables}"
        env["AWS_ENDPOINT_URL_DYNAMODB"] = f"http://{dial}:{ports.tables}"
        env["ARC_TABLES_PORT"] = str(ports.tables)
    if ports.arc is not None:
        env["AWS_ENDPOINT_URL_SSM"] = f"http://{dial}:{ports.arc}"
    if ports.events is not None:
        env["ARC_EVENTS_PORT"] = str(ports.events)
        env["AWS_ENDPOINT_URL_SNS"] = f"http://{dial}:{ports.events}"
        env["AWS_ENDPOINT_URL_SQS"] = f"http://{dial}:{ports.events}"
    return env


def handler_env(
    inventory: Inventory,
    ports: Ports,
    fn: Function,
    host: str = "127.0.0.1",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The complete environment for `fn`'s worker processes."""
    env = sandbox_env(inventory, ports, host)
    env["ARC_SANDBOX"] = json.dumps(
        {
            "apiType": inventory.aws.apigateway,
            "cwd": str(inventory.cwd),
            "ports": ports.as_arc_sandbox(),
            "staticPath": static_path(inventory),
            # the Architect Sandbox release whose contract this follows: @architect/functions
            # refuses a Sandbox older than 5.x ("Incompatible version")
            "version": ARCHITECT_SANDBOX_VERSION,
            "pyarc": __version__,
            "lambdaSrc": str(fn.src),
        }
    )
    env.update(extra or {})
    env.update(inventory.env_vars(ENV_NAME))
    env.update(inventory.prefs.sandbox.env)
    return {key: str(value) for key, value in env.items()}
