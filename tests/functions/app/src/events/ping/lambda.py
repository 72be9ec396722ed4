from pyarc.functions import events, tables


def handler(event, context):
    for payload in events.parse(event):
        tables.table("data").put_item(Item={"scopeID": "received", "dataID": payload["id"]})
