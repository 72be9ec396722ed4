"""Per-request shortcuts give what the plain calls give: the cached `requestContext.time`
and a handler file looked up through prebuilt candidate paths."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pyarc.inventory.model import Function, FunctionConfig
from pyarc.sandbox import ids


def _strftime(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def test_clf_time_follows_each_second_and_month() -> None:
    start = 1795631400000  # 25/Nov/2026:18:30:00
    # within a second, across seconds, back in time, and one day in each month
    moments = [start, start + 999, start + 1000, start - 1, start + 1000, start - 86_400_000]
    moments += [start + day * 86_400_000 for day in range(0, 400, 13)]
    for epoch_ms in moments:
        assert ids.clf_time(epoch_ms) == _strftime(epoch_ms)


def test_handler_file_sees_a_file_added_or_deleted_at_once(tmp_path: Path) -> None:
    fn = Function("http", "get-index", tmp_path, FunctionConfig())
    assert fn.handler_file is None
    (tmp_path / "index.py").write_text("def handler(e, c): pass\n")
    assert fn.handler_file == tmp_path / "index.py"
    (tmp_path / "lambda.py").write_text("def handler(e, c): pass\n")
    assert fn.handler_file == tmp_path / "lambda.py"  # first found wins
    (tmp_path / "lambda.py").unlink()
    (tmp_path / "index.py").unlink()
    assert fn.handler_file is None
    fn.config.handler = "app.main"  # a changed configuration is looked up anew
    (tmp_path / "app.py").write_text("def main(e, c): pass\n")
    assert fn.handler_file == tmp_path / "app.py"
