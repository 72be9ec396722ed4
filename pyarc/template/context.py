"""The template being built: resources, outputs and the grants the app role collects.

Each pragma module receives one `Draft` and adds to it; nothing else is shared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyarc.errors import PyarcError
from pyarc.inventory.model import Function, Inventory, Static
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
    notes: list[str] = field(default_factory=list)  # what the user should know (dry-run prints)
    rights: dict[str, Any] = field(default_factory=dict)  # Function.key -> FunctionRights

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

    @property
    def static(self) -> Static | None:
        """`@static` as deployed (None: no bucket, no static routes, no static variables)."""
        return self.inventory.deployed_static

    @property
    def cdn(self) -> bool:
        return self.inventory.cdn is not None and self.inventory.cdn.enabled

    @property
    def static_public(self) -> bool:
        """Objects readable by anyone: only when asked (`@static public true`) and no `@cdn`
        (with a CDN the bucket stays private and CloudFront reads it by origin access)."""
        return self.static is not None and self.static.public and not self.cdn

    @property
    def static_via_api(self) -> bool:
        """The HTTP API's `/_static/*` proxy (and unmatched GETs) read the bucket anonymously:
        a public bucket, or an existing one named in `@static`, whose policy is the user's."""
        if self.static is None:
            return False
        return self.static_public or isinstance(self.static_bucket_name(), str)

    def static_bucket_name(self) -> Any:
        """`Ref StaticBucket`, or the existing bucket named for this env in `@static`."""
        static = self.static
        existing = getattr(static, self.env, None) if static else None
        if isinstance(existing, str) and existing:
            return existing
        return {"Ref": names.STATIC_BUCKET}
