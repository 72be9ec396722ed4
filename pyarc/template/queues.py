"""`@queues` -> an SQS queue per entry (FIFO by default), consumed by its handler."""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.inventory.model import Queue
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import get_att

FIFO_MAX_BATCH = 10
STANDARD_MAX_BATCH = 10000
MAX_BATCH_WINDOW_S = 300
MAX_VISIBILITY_TIMEOUT_S = 43200
MESSAGE_RETENTION_S = 345600  # SQS's default (4 days), written out so it is a choice


def add_queues(draft: Draft) -> None:
    queues = draft.inventory.queues
    for queue in queues:
        check(queue)
        queue_id = names.queue_id(queue.name)
        draft.add(
            queue_id,
            {
                "Type": "AWS::SQS::Queue",
                # messages in flight are work, not records: they go with the stack
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Properties": queue_properties(queue),
            },
            owner=f"@queues {queue.name}",
        )
        event: Json = {"Queue": get_att(queue_id, "Arn"), "BatchSize": queue.batch_size}
        if queue.batch_window:
            event["MaximumBatchingWindowInSeconds"] = queue.batch_window
        draft.add_function_event(
            queue.function,
            names.pascal(queue.name) + "QueueEvent",
            {"Type": "SQS", "Properties": event},
        )
    if queues:
        draft.grant(
            "ArcSimpleQueueServicePolicy",
            "Queues",
            [
                "sqs:SendMessage",
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ],
            [get_att(names.queue_id(q.name), "Arn") for q in queues],
        )


def visibility_timeout(queue: Queue) -> int:
    return (
        queue.visibility_timeout
        if queue.visibility_timeout is not None
        else queue.function.config.timeout
    )


def queue_properties(queue: Queue) -> Json:
    properties: Json = {
        "VisibilityTimeout": visibility_timeout(queue),
        "MessageRetentionPeriod": MESSAGE_RETENTION_S,
        "SqsManagedSseEnabled": True,  # encrypted at rest with SQS's own keys
    }
    if queue.fifo:
        properties |= {"FifoQueue": True, "ContentBasedDeduplication": True}
    return properties


def check(queue: Queue) -> None:
    where = f"@queues {queue.name}" + (f" ({queue.location})" if queue.location else "")
    timeout = queue.function.config.timeout
    visibility = visibility_timeout(queue)
    if not timeout <= visibility <= MAX_VISIBILITY_TIMEOUT_S:
        raise PyarcError(
            f"{where} has a visibility timeout of {visibility} s; Lambda needs at least the "
            f"function timeout ({timeout} s) and SQS allows at most {MAX_VISIBILITY_TIMEOUT_S} s."
        )
    limit = FIFO_MAX_BATCH if queue.fifo else STANDARD_MAX_BATCH
    if not 1 <= queue.batch_size <= limit:
        kind = "a FIFO" if queue.fifo else "a standard"
        raise PyarcError(
            f"{where} has batch size {queue.batch_size}; {kind} queue takes 1 to {limit}."
        )
    if queue.fifo and queue.batch_window:
        raise PyarcError(
            f"{where} is FIFO and sets a batch window; SQS FIFO queues do not support one, "
            "so remove it or make the queue standard (fifo false)."
        )
    if not 0 <= queue.batch_window <= MAX_BATCH_WINDOW_S:
        raise PyarcError(
            f"{where} has a batch window of {queue.batch_window} s; use 0 to {MAX_BATCH_WINDOW_S}."
        )
    if queue.batch_size > FIFO_MAX_BATCH and not queue.batch_window:
        raise PyarcError(
            f"{where} has batch size {queue.batch_size}; batches over {FIFO_MAX_BATCH} need a "
            "batch window of at least 1 second."
        )
