from pyarc.functions import http


def handler(event, context):
    session = http.session_read(event)
    return http.session_write(session | {"seen": True}, http.json(session))
