from pyarc.functions import events, http, queues


def handler(event, context):
    body = http.parse_body(event)
    events.publish("ping", {"id": body["id"]})
    queues.publish("jobs", {"id": body["id"]}, group_id="g")
    return http.json({"published": body["id"]})
