"""`pyarc deploy --dry-run`: write `sam.yaml`/`sam.json` in the app dir, call nothing."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pyarc.errors import PyarcError
from pyarc.inventory.model import Inventory
from pyarc.template.build import build, stack_name
from pyarc.template.render import Format, render


@dataclass
class DryRun:
    path: Path  # the file written
    stack_name: str
    resources: dict[str, int] = field(default_factory=dict)  # resource type -> count
    notes: list[str] = field(default_factory=list)  # what the user should know

    @property
    def total(self) -> int:
        return sum(self.resources.values())

    def summary(self) -> str:
        lines = [f"Wrote {self.path} for stack {self.stack_name} ({self.total} resources):"]
        lines += [f"  {count:>3}  {kind}" for kind, count in self.resources.items()]
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)


def dry_run(
    inventory: Inventory,
    env: str = "staging",
    fmt: Format = "yaml",
    name_suffix: str | None = None,
) -> DryRun:
    if fmt not in ("yaml", "json"):
        raise PyarcError(f"Unknown template format {fmt!r}; use yaml or json.")
    template = build(inventory, env, name_suffix=name_suffix)
    path = Path(inventory.cwd) / f"sam.{fmt}"
    try:
        path.write_text(render(template, fmt), encoding="utf-8")
    except OSError as error:
        raise PyarcError(f"Could not write {path}: {error.strerror}; check the folder.") from error
    counts = Counter(resource["Type"] for resource in template["Resources"].values())
    return DryRun(
        path=path,
        stack_name=stack_name(inventory, env, name_suffix),
        resources=dict(sorted(counts.items())),
        notes=list(template.get("Metadata", {}).get("pyarc", {}).get("Notes", [])),
    )
