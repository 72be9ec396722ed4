from pyarc.functions import http, static


def handler(event, context):
    return http.json({"url": static("app.js"), "missing": static("nope.js")})
