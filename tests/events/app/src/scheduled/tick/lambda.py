from shared.record import record


def handler(event, context):
    record("ticks", event["id"], event)
    return {"ticked": event["time"]}
