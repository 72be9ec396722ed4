from pyarc.functions import http, services, tables


def handler(event, context):
    scope = (event.get("queryStringParameters") or {}).get("scope", "connection")
    rows = tables.table("data").query(
        KeyConditionExpression="scopeID = :s", ExpressionAttributeValues={":s": scope}
    )["Items"]
    return http.json({"ids": sorted(r["dataID"] for r in rows), "services": services()})
