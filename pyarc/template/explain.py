"""`pyarc deploy --dry-run --explain-iam`: per function, each right its role holds and why."""

from __future__ import annotations

from pyarc.inventory.model import Inventory
from pyarc.template import names
from pyarc.template.build import build_draft
from pyarc.template.rights import FunctionRights


def explain_iam(inventory: Inventory, env: str = "staging") -> str:
    draft = build_draft(inventory, env)
    shared = inventory.aws.roles == "shared"
    lines: list[str] = []
    if shared:
        lines.append(
            "@aws roles shared: every function uses the app role (Role), which holds every "
            "grant below together (Architect's model)."
        )
    for fn in inventory.functions:
        rights: FunctionRights = draft.rights[fn.key]
        lines.append("")
        if fn.config.policies:
            lines.append(f"{fn.key} ({names.function_id(fn)}): policies "
                         f"{', '.join(fn.config.policies)} (from config.arc/@aws), in a role "
                         "SAM makes; pyarc adds nothing")  # fmt: skip
            continue
        role = names.APP_ROLE if shared else names.role_id(fn)
        lines.append(f"{fn.key} ({names.function_id(fn)}) -> role {role}")
        for right in rights.rights:
            lines.append(f"  {', '.join(right.actions)}")
            lines.append(f"      on {right.target}: {right.reason}")
        for refused in rights.refused:
            lines.append(f"  not granted: {refused}")
    return "\n".join(lines).lstrip("\n") + "\n"
