from pyarc.functions import http, tables

notes = tables.table("notes")


def handler(event, context):
    found = notes.query(KeyConditionExpression="noteID = :id")
    return http.json(found["Items"])
