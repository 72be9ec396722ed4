"""One small app that uses every trigger the inspector shows, written into a folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

MANIFEST = """\
@app
inspected

@http
get /
get /hello/:name
get /boom

@ws

@tables
notes
  id *String

@tables-streams
notes

@events
pinged

@queues
jobs

@scheduled
tick rate(1 day)
"""

HANDLERS = {
    "src/http/get-index/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200, "headers": {"content-type": "text/plain"}, "body": "home"}
    """,
    "src/http/get-hello-000name/lambda.py": """
        import logging

        def handler(event, context):
            name = event["pathParameters"]["name"]
            print(f"greeting {name}")
            logging.getLogger().warning("a warning for %s", name)
            return {"statusCode": 200, "body": f"hello {name}"}
    """,
    "src/http/get-boom/lambda.py": """
        def handler(event, context):
            print("about to fail")
            raise ValueError("boom from the handler")
    """,
    "src/ws/connect/lambda.py": """
        def handler(event, context):
            return {"statusCode": 200}
    """,
    "src/ws/disconnect/lambda.py": """
        def handler(event, context):
            print("disconnected", event["requestContext"]["connectionId"])
            return {"statusCode": 200}
    """,
    "src/ws/default/lambda.py": """
        def handler(event, context):
            print("frame", event.get("body"))
            return {"statusCode": 200}
    """,
    "src/tables-streams/notes/lambda.py": """
        def handler(event, context):
            print("stream records", len(event["Records"]))
    """,
    "src/events/pinged/lambda.py": """
        def handler(event, context):
            print("pinged with", event["Records"][0]["Sns"]["Message"])
    """,
    "src/queues/jobs/lambda.py": """
        def handler(event, context):
            print("job", event["Records"][0]["body"])
    """,
    "src/scheduled/tick/lambda.py": """
        def handler(event, context):
            print("tick at", event["time"])
    """,
}


def write_app(folder: Path) -> Path:
    (folder / "app.arc").write_text(MANIFEST)
    for relative, source in HANDLERS.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip())
    (folder / "sandbox-seed.json").write_text(
        '{"notes": [{"id": "seeded", "text": "from the seed"}]}'
    )
    return folder
