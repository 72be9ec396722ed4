import boto3

dynamodb = boto3.resource("dynamodb")


def handler(event, context):
    print(event)
