import json

from shared.record import append


def handler(event, context):
    for raw in event["Records"]:
        append("stream", json.dumps(raw))
