from pyarc.functions import queues, tables


def handler(event, context):
    for payload in queues.parse(event):
        tables.table("data").put_item(Item={"scopeID": "received", "dataID": payload["id"]})
