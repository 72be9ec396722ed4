"""What `pyarc sandbox` imports before its first request: not boto3/botocore (the sandbox
loads botocore's models on the first call that checks a request, and handlers import boto3
in their own workers), not rich's markup unless the banner prints."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import pyarc.commands.sandbox, pyarc.sandbox.server
loaded = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps(loaded))
"""


def test_the_sandbox_process_starts_without_boto3():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert {"pyarc", "uvicorn", "starlette"} <= loaded  # the probe imported the server
    assert not loaded & {"boto3", "botocore", "s3transfer"}
