import json

from shared.record import append, record

from pyarc.functions import queues


def handler(event, context):
    for message, raw in zip(queues.parse(event), event["Records"], strict=True):
        if "id" in message:
            record("received", f"{message['id']}-queue", raw)
            append(f"deliveries-{message['id']}", raw["messageId"])
        else:
            append(f"order-{raw['attributes']['MessageGroupId']}", json.dumps(message["n"]))
