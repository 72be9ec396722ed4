"""The events port's wire: one module per protocol over the narrow bus API (`api.Bus`):
`sns.py` (query, XML), `sqs.py` (JSON 1.0), `app.py` (Architect's own bus calls and the
routing between them). Requests are checked against botocore's models by `pyarc.wire`."""

from pyarc.sandbox.bus.wire.app import create_app

__all__ = ["create_app"]
