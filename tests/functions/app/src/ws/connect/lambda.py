from pyarc.functions import tables


def handler(event, context):
    me = event["requestContext"]["connectionId"]
    tables.table("data").put_item(Item={"scopeID": "connection", "dataID": me})
    return {"statusCode": 200}
