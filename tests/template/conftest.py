"""Helpers for template tests: inventories built from dataclasses, and the two validators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pyarc.inventory.model import (
    Aws,
    Cdn,
    Event,
    Function,
    FunctionConfig,
    HttpRoute,
    Inventory,
    Queue,
    Scheduled,
    Static,
    Table,
    TableIndex,
    TableStream,
    WsRoute,
)
from pyarc.template import build, render

REGION = "us-west-2"


class AppBuilder:
    """Builds an Inventory the way `pyarc.inventory.load` would for a small app."""

    def __init__(self, cwd: Path, app: str = "test-app") -> None:
        self.inventory = Inventory(app=app, cwd=cwd, manifest=cwd / "app.arc")

    def fn(self, kind: str, name: str, **config: Any) -> Function:
        folder = {"tables-streams": "tables-streams"}.get(kind, kind)
        return Function(
            kind=kind,  # type: ignore[arg-type]
            name=name,
            src=self.inventory.cwd / "src" / folder / name,
            config=FunctionConfig(**config),
        )

    def http(self, method: str, path: str, name: str, **config: Any) -> AppBuilder:
        route = HttpRoute(method, path, self.fn("http", name, **config))  # type: ignore[arg-type]
        self.inventory.http.append(route)
        if self.inventory.static is None:
            self.inventory.static = Static(implied=True)  # Architect: @http implies @static
        return self

    def ws(self, *names: str) -> AppBuilder:
        for name in names:
            self.inventory.ws.append(WsRoute(name, self.fn("ws", name)))
        return self

    def table(self, name: str, pk: str, **options: Any) -> AppBuilder:
        options.setdefault("partition_key_type", "String")
        self.inventory.tables.append(Table(name=name, partition_key=pk, **options))
        return self

    def index(self, table: str, name: str, pk: str, **options: Any) -> AppBuilder:
        options.setdefault("partition_key_type", "String")
        found = self.inventory.table(table)
        found.indexes.append(TableIndex(name=name, partition_key=pk, **options))
        return self

    def stream(self, table: str, name: str | None = None) -> AppBuilder:
        fn = self.fn("tables-streams", name or table)
        self.inventory.streams.append(TableStream(name or table, table, fn))
        return self

    def event(self, name: str) -> AppBuilder:
        self.inventory.events.append(Event(name, self.fn("events", name)))
        return self

    def queue(self, name: str, timeout: int = 5, **options: Any) -> AppBuilder:
        self.inventory.queues.append(
            Queue(name, self.fn("queues", name, timeout=timeout), **options)
        )
        return self

    def scheduled(self, name: str, expression: str, timezone: str | None = None) -> AppBuilder:
        fn = self.fn("scheduled", name)
        self.inventory.scheduled.append(Scheduled(name, expression, fn, timezone))
        return self

    def static(self, **options: Any) -> AppBuilder:
        self.inventory.static = Static(**options)
        return self

    def cdn(self) -> AppBuilder:
        self.inventory.cdn = Cdn()
        return self

    def aws(self, **options: Any) -> AppBuilder:
        self.inventory.aws = Aws(**options)
        return self

    def env(self, env: str, **variables: str) -> AppBuilder:
        self.inventory.prefs.env[env] = dict(variables)
        return self


@pytest.fixture
def app(tmp_path: Path) -> AppBuilder:
    return AppBuilder(tmp_path)


def resources_of(template: dict, kind: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def lint_problems(template: dict) -> list[str]:
    """cfn-lint errors, warnings and informational findings (`--include-checks I`)."""
    from cfnlint.api import ManualArgs, lint

    config = ManualArgs(regions=[REGION], include_checks=["I"])
    matches = lint(render(template, "yaml"), config=config)
    return [f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path)})" for m in matches]


class StubPolicyLoader:
    """Maps managed policy names to ARNs without calling IAM."""

    def load(self) -> dict[str, str]:
        names = [
            "AWSLambdaBasicExecutionRole",
            "AmazonDynamoDBReadOnlyAccess",
            "AWSXrayWriteOnlyAccess",
        ]
        return {
            n: f"arn:aws:iam::aws:policy/{'service-role/' if 'Basic' in n else ''}{n}"
            for n in names
        }


def sam_transform(template: dict, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Run aws-sam-translator on the template exactly as CloudFormation would (no network)."""
    from samtranslator.translator.transform import transform

    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_REGION", REGION)
    fragment = json.loads(render(template, "json"))
    return transform(fragment, {}, StubPolicyLoader())


def uploaded(inventory: Inventory) -> dict[str, dict[str, str]]:
    """The `code_uris` deploy passes after uploading each function's zip."""
    return {
        fn.key: {"Bucket": "deploy-bucket", "Key": f"{fn.name}-abc123.zip"}
        for fn in inventory.functions
    }


def build_and_validate(
    inventory: Inventory, monkeypatch: pytest.MonkeyPatch, env: str = "staging"
) -> tuple[dict, dict]:
    """Lint the dry-run template (local CodeUri), SAM-transform the deploy template (S3
    CodeUri) and lint the plain CloudFormation that comes out (cfn-lint skips some rules on
    SAM input, so both passes matter). Returns (dry-run template, transformed template)."""
    template = build(inventory, env)
    assert lint_problems(template) == []
    transformed = sam_transform(build(inventory, env, code_uris=uploaded(inventory)), monkeypatch)
    assert lint_problems(transformed) == []
    return template, transformed


@pytest.fixture
def validate(monkeypatch: pytest.MonkeyPatch):
    """`validate(inventory, env)` -> (dry-run template, SAM-transformed deploy template)."""

    def run(inventory: Inventory, env: str = "staging") -> tuple[dict, dict]:
        return build_and_validate(inventory, monkeypatch, env)

    return run


@pytest.fixture
def lint():
    """`lint(template)` -> cfn-lint errors and warnings as text."""
    return lint_problems


@pytest.fixture
def transform(monkeypatch: pytest.MonkeyPatch):
    """`transform(template)` -> the aws-sam-translator output."""
    return lambda template: sam_transform(template, monkeypatch)
