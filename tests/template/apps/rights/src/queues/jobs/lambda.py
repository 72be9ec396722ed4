from pyarc.functions import queues


def handler(event, context):
    for job in queues.parse(event):
        print(job)
