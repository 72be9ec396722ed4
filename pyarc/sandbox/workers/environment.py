"""The environment a worker process starts with: the caller's, plus what Lambda's runtime sets."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from pathlib import Path

from pyarc.inventory.model import DEFAULT_REGION, Function
from pyarc.sandbox.config import ACCOUNT_ID

from .runtime import ACCOUNT_ID_VARIABLE

RUNTIME_DIR = str(Path(__file__).resolve().parent)
DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin"


def default_function_name(fn: Function) -> str:
    """A Lambda-valid name for a function that the caller did not name: `http-get-index`."""
    return f"{fn.kind}-{fn.name}"


def log_stream_name() -> str:
    """`2026/11/25/[$LATEST]<32 hex>`: one per execution environment, as on AWS."""
    return f"{dt.datetime.now(dt.UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"


def interpreter_variables(python: bool = True) -> dict[str, str]:
    """What every worker's interpreter starts with; a Python one's are the zygote's too."""
    variables = {
        "TZ": "UTC",
        "PATH": os.environ.get("PATH") or DEFAULT_PATH,
        "LANG": os.environ.get("LANG") or "C.UTF-8",
    }
    if python:
        variables["PYTHONUNBUFFERED"] = "1"
        # keep __pycache__ out of handler dirs (and the watcher)
        variables["PYTHONDONTWRITEBYTECODE"] = "1"
    return variables


def worker_environment(
    fn: Function, given: dict[str, str], node_path: tuple[str, ...] = ()
) -> dict[str, str]:
    """`given` (complete, from the sandbox) plus Lambda's runtime variables where absent.

    Nothing of the sandbox's own environment leaks in except a sane PATH, HOME and LANG.
    `node_path`: for a Node.js function, folders that hold a `node_modules` it resolves from
    (`@architect/shared`, ...), as Lambda's NODE_PATH ends with the task root.
    """
    env = {key: str(value) for key, value in given.items()}
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
    name = env.get("AWS_LAMBDA_FUNCTION_NAME") or default_function_name(fn)
    runtime_vars = {
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        "AWS_LAMBDA_FUNCTION_NAME": name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.config.memory),
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": log_stream_name(),
        "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.config.runtime}",
        "LAMBDA_TASK_ROOT": str(fn.src),
        "LAMBDA_RUNTIME_DIR": RUNTIME_DIR,
        "_HANDLER": fn.handler,
        **interpreter_variables(python=not fn.config.is_node),
        ACCOUNT_ID_VARIABLE: ACCOUNT_ID,  # the runtime takes it out before the handler runs
    }
    if fn.config.is_node:
        folders = [str(Path(folder) / "node_modules") for folder in node_path]
        runtime_vars["NODE_PATH"] = os.pathsep.join([*folders, str(fn.src)])
    home = os.environ.get("HOME")
    if home:
        runtime_vars["HOME"] = home
    for key, value in runtime_vars.items():
        env.setdefault(key, value)
    return env
