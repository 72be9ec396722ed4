"""Template dict -> YAML or JSON text."""

from __future__ import annotations

import json
from typing import Any, Literal

import yaml

Format = Literal["yaml", "json"]


# libyaml's emitter when PyYAML was built with it (about 5x faster), else the Python one.
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _TemplateDumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Block-style YAML that keeps key order and never emits anchors/aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(template: dict, fmt: Format = "yaml") -> str:
    if fmt == "json":
        return json.dumps(template, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.dump(
            template,
            Dumper=_TemplateDumper,
            sort_keys=False,
            default_flow_style=False,
            width=1000,
            allow_unicode=True,
        )
    raise ValueError(f"unknown template format {fmt!r}; use yaml or json")
