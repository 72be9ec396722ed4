"""What the helpers learn from the process environment (the same keys locally and on AWS)."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from pyarc.functions.errors import ConfigurationError


def logical_id(text: str) -> str:
    """PascalCase id as Architect's `toLogicalID`: `cage-socket-testing` -> `CageSocketTesting`.

    Kept identical to `pyarc.inventory.model.logical_id` (reimplemented: this package may
    not import the rest of pyarc).
    """
    words: list[str] = []
    current = ""
    for ch in text:
        if ch.isalnum():
            current += ch
        elif current:
            words.append(current)
            current = ""
    if current:
        words.append(current)
    return "".join(w[:1].upper() + w[1:] for w in words)


def stack_name() -> str:
    """`ARC_STACK_NAME`, else `logical_id(ARC_APP_NAME + "-" + ARC_ENV)` as Architect does."""
    explicit = os.environ.get("ARC_STACK_NAME")
    if explicit:
        return explicit
    app = os.environ.get("ARC_APP_NAME")
    if not app:
        raise ConfigurationError(
            "neither ARC_STACK_NAME nor ARC_APP_NAME is set, so service discovery cannot find "
            "the app's SSM parameters; run the handler under `pyarc sandbox` or a pyarc deploy"
        )
    env = os.environ.get("ARC_ENV") or "staging"
    return logical_id(f"{app}-{env}")


def region() -> str | None:
    """The Lambda region (`AWS_REGION`, which boto3 itself ignores) or boto3's own default."""
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None


def is_testing() -> bool:
    """True in the sandbox and in tests (`ARC_ENV=testing`)."""
    return os.environ.get("ARC_ENV") == "testing"


def management_endpoint() -> str:
    """The API Gateway Management API endpoint for `ARC_WSS_URL`.

    `ws://localhost:3333` -> `http://localhost:3333`;
    `wss://abc.execute-api.us-east-1.amazonaws.com/staging` -> `https://...amazonaws.com/staging`.
    Without ARC_WSS_URL, `AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI` is used as given.
    """
    wss_url = os.environ.get("ARC_WSS_URL")
    if not wss_url:
        fallback = os.environ.get("AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI")
        if fallback:
            return fallback
        raise ConfigurationError(
            "ARC_WSS_URL is not set, so the WebSocket management endpoint is unknown; "
            "add @ws to the app manifest (pyarc sets ARC_WSS_URL for every function then)"
        )
    parts = urlsplit(wss_url)
    schemes = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
    if parts.scheme not in schemes or not parts.netloc:
        raise ConfigurationError(
            f"ARC_WSS_URL={wss_url!r} is not a ws:// or wss:// URL; "
            "set it to the WebSocket API's URL, e.g. wss://<api>.execute-api.<region>.amazonaws.com/<stage>"
        )
    return urlunsplit((schemes[parts.scheme], parts.netloc, parts.path.rstrip("/"), "", ""))
