from shared.record import append


def handler(event, context):
    append("crash-attempts", event["Records"][0]["Sns"]["MessageId"])
    raise RuntimeError("this subscriber always fails")
