from shared.record import record

from pyarc.functions import events


def handler(event, context):
    for payload in events.parse(event):
        record("received", f"{payload['id']}-event", event)
