from pyarc.functions import http, tables


def handler(event, context):
    name = event["queryStringParameters"]["table"]
    rows = tables.table(name).scan()
    return http.json(rows["Items"])
