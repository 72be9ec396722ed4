"""`@tables-streams` -> a DynamoDB stream event on the handler of each streamed table."""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.template import names
from pyarc.template.context import Draft
from pyarc.template.intrinsics import get_att

STARTING_POSITION = "TRIM_HORIZON"  # Architect's choice: no record written before deploy is lost
BATCH_SIZE = 10


def add_streams(draft: Draft) -> None:
    tables = {t.name for t in draft.inventory.tables}
    for stream in draft.inventory.streams:
        if stream.table not in tables:
            where = f" ({stream.location})" if stream.location else ""
            raise PyarcError(
                f"@tables-streams {stream.name}{where} names table {stream.table}, which is "
                "not in @tables; add the table or fix the name."
            )
        draft.add_function_event(
            stream.function,
            names.pascal(stream.name) + "StreamEvent",
            {
                "Type": "DynamoDB",
                "Properties": {
                    "Stream": get_att(names.table_id(stream.table), "StreamArn"),
                    "StartingPosition": STARTING_POSITION,
                    "BatchSize": BATCH_SIZE,
                },
            },
        )
