from pyarc.functions import tables


def handler(event, context):
    me = event["requestContext"]["connectionId"]
    tables.table("data").delete_item(Key={"scopeID": "connection", "dataID": me})
    return {"statusCode": 200}
