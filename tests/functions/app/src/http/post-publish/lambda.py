from pyarc.functions import events, http, queues


def handler(event, context):
    body = http.parse_body(event)
    return http.json(
        {
            "event": events.publish("ping", {"id": body["id"] + "-event"}),
            "queue": queues.publish("jobs", {"id": body["id"] + "-queue"}),
        }
    )
