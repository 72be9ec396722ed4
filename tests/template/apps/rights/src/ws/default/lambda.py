from pyarc.functions import ws


def handler(event, context):
    ws.send(event["requestContext"]["connectionId"], {"echo": event.get("body")})
    return {"statusCode": 200}
