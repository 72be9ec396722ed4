from pyarc.functions import http


def handler(event, context):
    session = http.session_read(event)
    session["visits"] = session.get("visits", 0) + 1
    return http.session_write(session, http.json({"visits": session["visits"]}))
