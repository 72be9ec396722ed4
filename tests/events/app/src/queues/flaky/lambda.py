from shared.record import append, record


def handler(event, context):
    [raw] = event["Records"]
    append("flaky-receives", raw["attributes"]["ApproximateReceiveCount"])
    if raw["attributes"]["ApproximateReceiveCount"] == "1":
        raise RuntimeError("first delivery fails")
    record("received", "flaky", raw)
