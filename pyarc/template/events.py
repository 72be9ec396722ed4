"""`@events` -> an SNS topic per event, subscribed by its handler (SAM `SNS` event)."""

from __future__ import annotations

from pyarc.template import names
from pyarc.template.context import Draft
from pyarc.template.intrinsics import ref

SNS_MANAGED_KEY = "alias/aws/sns"


def add_events(draft: Draft) -> None:
    events = draft.inventory.events
    for event in events:
        topic = names.topic_id(event.name)
        draft.add(
            topic,
            {
                "Type": "AWS::SNS::Topic",
                "Properties": {
                    "DisplayName": event.name,
                    # encrypted at rest with SNS's AWS managed key: publishing needs no KMS grant
                    "KmsMasterKeyId": SNS_MANAGED_KEY,
                },
            },
            owner=f"@events {event.name}",
        )
        draft.add_function_event(
            event.function,
            names.pascal(event.name) + "Event",
            {"Type": "SNS", "Properties": {"Topic": ref(topic)}},
        )
    if events:
        draft.grant(
            "ArcSimpleNotificationServicePolicy",
            "PublishEvents",
            ["sns:Publish"],
            [ref(names.topic_id(e.name)) for e in events],
        )
