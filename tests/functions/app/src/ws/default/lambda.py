"""Messages: {"do": "broadcast", "text": ...} | {"do": "info"} | {"do": "ghost"} | {"do": "close"}."""

import json

from pyarc.functions import tables, ws


def handler(event, context):
    me = event["requestContext"]["connectionId"]
    message = json.loads(event.get("body") or "{}")
    data = tables.table("data")
    if message.get("do") == "broadcast":
        rows = data.query(
            KeyConditionExpression="scopeID = :s", ExpressionAttributeValues={":s": "connection"}
        )["Items"]
        ids = [row["dataID"] for row in rows] + ["never-connected-id"]
        gone = ws.broadcast(ids, {"text": message.get("text"), "from": me})
        ws.send(me, {"gone": gone})
    elif message.get("do") == "info":
        found = ws.info(me)
        ws.send(
            me, {"connectedAt": found["ConnectedAt"].isoformat(), "identity": found["Identity"]}
        )
    elif message.get("do") == "ghost":
        try:
            ws.send("never-connected-id", "hello?")
        except ws.GoneError as error:
            ws.send(me, {"gone": error.connection_id})
    elif message.get("do") == "close":
        ws.close(me)
    return {"statusCode": 200}
