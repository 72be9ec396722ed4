"""Inventory -> CloudFormation/SAM template (pure), its rendering and `--dry-run`.

Public API: `build`, `stack_name`, `render`, `dry_run`, `DryRun`, `explain_iam`.
"""

from pyarc.template.build import build, stack_name
from pyarc.template.dry_run import DryRun, dry_run
from pyarc.template.explain import explain_iam
from pyarc.template.render import render

__all__ = ["DryRun", "build", "dry_run", "explain_iam", "render", "stack_name"]
