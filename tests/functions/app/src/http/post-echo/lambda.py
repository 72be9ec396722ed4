import base64

from pyarc.functions import BodyError, http


def handler(event, context):
    try:
        body = http.parse_body(event)
    except BodyError as error:
        return http.json({"error": str(error)}, 400)
    if isinstance(body, bytes):
        body = {"bytes": base64.b64encode(body).decode()}
    return http.json({"body": body, "type": type(body).__name__})
