"""The template being built: resources, outputs and the grants the app role collects.

Each pragma module receives one `Draft` and adds to it; nothing else is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyarc.errors import PyarcError
from pyarc.inventory.model import Function, Inventory
from pyarc.template import names

Json = dict[str, Any]
CodeUri = str | dict[str, str]


@dataclass
class Grant:
    """One statement of the app role: actions on the app's own resources."""

    sid: str
    actions: list[str]
    resources: list[Any]


@dataclass
class Draft:
    inventory: Inventory
    env: str
    code_uris: dict[str, CodeUri] = field(default_factory=dict)
    resources: dict[str, Json] = field(default_factory=dict)
    outputs: dict[str, Json] = field(default_factory=dict)
    grants: dict[str, list[Grant]] = field(default_factory=dict)  # policy name -> statements
    owners: dict[str, str] = field(default_factory=dict)  # logical id -> what declared it

    def add(self, logical_id: str, resource: Json, owner: str) -> Json:
        """Add a resource; two manifest entries that map to one logical id are a user error."""
        if logical_id in self.resources:
            raise PyarcError(
                f"{owner} and {self.owners[logical_id]} both become the CloudFormation resource "
                f"{logical_id}; rename one of them in {self.inventory.manifest.name}."
            )
        self.resources[logical_id] = resource
        self.owners[logical_id] = owner
        return resource

    def output(self, name: str, value: Any, description: str) -> None:
        self.outputs[name] = {"Description": description, "Value": value}

    def grant(self, policy: str, sid: str, actions: list[str], resources: list[Any]) -> None:
        self.grants.setdefault(policy, []).append(Grant(sid, actions, resources))

    def function_properties(self, fn: Function) -> Json:
        return self.resources[names.function_id(fn)]["Properties"]

    def add_function_event(self, fn: Function, event_id: str, event: Json) -> None:
        events = self.function_properties(fn).setdefault("Events", {})
        events[event_id] = event

    @property
    def has_static_bucket(self) -> bool:
        return names.STATIC_BUCKET in self.resources

    def static_bucket_name(self) -> Any:
        """`Ref StaticBucket`, or the existing bucket named for this env in `@static`."""
        static = self.inventory.static
        existing = getattr(static, self.env, None) if static else None
        if isinstance(existing, str) and existing:
            return existing
        return {"Ref": names.STATIC_BUCKET}
