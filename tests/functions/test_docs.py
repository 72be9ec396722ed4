"""docs/functions.md: every example compiles; the ones marked `# runs as is` run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "functions.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_examples():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_example_compiles(index):
    compile(BLOCKS[index], f"{DOC.name}[{index}]", "exec")


@pytest.mark.parametrize(
    "index", [i for i, block in enumerate(BLOCKS) if block.startswith("# runs as is")]
)
def test_runnable_example_runs(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exec(compile(BLOCKS[index], f"{DOC.name}[{index}]", "exec"), {})
