import json

from pyarc.functions import events, http, queues
from pyarc.functions.tables import table


def handler(event, context):
    note = json.loads(event["body"])
    table("notes").put_item(Item=note)
    events.publish("audit", {"created": note["noteID"]})
    queues.publish("jobs", {"index": note["noteID"]})
    return http.json(note, status=201)
