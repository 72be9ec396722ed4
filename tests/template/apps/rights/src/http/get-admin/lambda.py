from pyarc.functions import http, tables


def handler(event, context):
    tables.table("users").delete_item(Key={"userID": "x"})  # declared read-only: refused
    return http.json({})
