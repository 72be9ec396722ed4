"""Local names and ARNs of topics, queues, schedules and streams.

The sandbox's SSM discovery answers with these, the bus accepts them, and the events
carry them, so `pyarc.functions` finds the same things locally as on AWS.
"""

from __future__ import annotations

from pyarc.sandbox.config import ACCOUNT_ID


def topic_name(app: str, event: str, env: str = "testing") -> str:
    return f"{app}-{env}-{event}"


def topic_arn(app: str, event: str, region: str, env: str = "testing") -> str:
    return f"arn:aws:sns:{region}:{ACCOUNT_ID}:{topic_name(app, event, env)}"


def queue_name(app: str, queue: str, fifo: bool, env: str = "testing") -> str:
    return f"{app}-{env}-{queue}" + (".fifo" if fifo else "")


def queue_arn(app: str, queue: str, fifo: bool, region: str, env: str = "testing") -> str:
    return f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{queue_name(app, queue, fifo, env)}"


def queue_url(app: str, queue: str, fifo: bool, endpoint: str, env: str = "testing") -> str:
    """`http://127.0.0.1:4444/123456789012/<name>`: the path form SQS uses."""
    return f"{endpoint.rstrip('/')}/{ACCOUNT_ID}/{queue_name(app, queue, fifo, env)}"


def schedule_arn(app: str, name: str, region: str, env: str = "testing") -> str:
    return f"arn:aws:scheduler:{region}:{ACCOUNT_ID}:schedule/default/{app}-{env}-{name}"


def stream_arn(table_name: str, region: str, label: str = "2026-01-01T00:00:00.000") -> str:
    return f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{table_name}/stream/{label}"
