"""What botocore's model says of a service named by its SigV4 signing name.

A signing name is usually also the name of botocore's model (`secretsmanager`, `kms`,
`ses`, `lambda`); where it is not (`states` is `stepfunctions`, `monitoring` is
`cloudwatch`) there is no model here and callers fall back to the name itself: reading
every model to map them all costs seconds.
"""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def service_metadata(service: str) -> dict[str, Any] | None:
    """The `metadata` of botocore's model named `service`, or None."""
    import botocore.session
    from botocore.exceptions import DataNotFoundError, UnknownServiceError

    loader = botocore.session.get_session().get_component("data_loader")
    try:
        return loader.load_service_model(service, "service-2")["metadata"]
    except (DataNotFoundError, UnknownServiceError):
        return None


def model_protocol(service: str) -> str | None:
    """The protocol botocore speaks to `service` (its first choice), or None."""
    metadata = service_metadata(service)
    if metadata is None:
        return None
    return (metadata.get("protocols") or [metadata["protocol"]])[0]


def endpoint_prefix(service: str) -> str:
    """The first label of the service's AWS host: `email` for SES, else the name itself."""
    metadata = service_metadata(service)
    return metadata.get("endpointPrefix", service) if metadata else service
