"""How a service's query protocol spelled what its JSON model no longer names.

SQS moved from the query protocol to JSON 1.0 in botocore 1.34.90 (April 2024; tried and
reverted twice in 2023), and the JSON model dropped the query spellings. boto3 >= 1.34,
which pyarc allows, includes releases that still send SQS as a form body, with the names
below, exactly as botocore 1.34.50's SQS model (`protocol: query`) gave them:
`SendMessageBatchRequestEntry.1.Id`, `MessageAttribute.1.Name`, `AttributeName.1`.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class QuerySpelling:
    members: dict[tuple[str, str], str] = field(default_factory=dict)  # (structure, member)
    items: dict[str, str] = field(default_factory=dict)  # list shape -> its items' name
    entries: dict[str, tuple[str, str]] = field(default_factory=dict)  # map -> key, value


LEGACY_QUERY = {
    "sqs": QuerySpelling(
        members={
            ("SendMessageRequest", "MessageAttributes"): "MessageAttribute",
            ("SendMessageRequest", "MessageSystemAttributes"): "MessageSystemAttribute",
            ("SendMessageBatchRequestEntry", "MessageAttributes"): "MessageAttribute",
            ("SendMessageBatchRequestEntry", "MessageSystemAttributes"): "MessageSystemAttribute",
            ("MessageAttributeValue", "StringListValues"): "StringListValue",
            ("MessageAttributeValue", "BinaryListValues"): "BinaryListValue",
            ("MessageSystemAttributeValue", "StringListValues"): "StringListValue",
            ("MessageSystemAttributeValue", "BinaryListValues"): "BinaryListValue",
        },
        items={
            "SendMessageBatchRequestEntryList": "SendMessageBatchRequestEntry",
            "AttributeNameList": "AttributeName",
            "StringList": "StringListValue",
            "BinaryList": "BinaryListValue",
        },
        entries={
            "MessageBodyAttributeMap": ("Name", "Value"),
            "MessageBodySystemAttributeMap": ("Name", "Value"),
        },
    ),
}
