"""One local AWS endpoint: requests for any service on one port, routed by SigV4 scope.

`AwsEndpoint` (dispatcher.py) reads the service from the request's credential scope
(scope.py) and hands the request to that service's ASGI app; a service pyarc does not
serve itself goes to the pluggable `Fallback` (fallback.py), else gets a refusal in the
service's own error shape naming the service and how to enable it (refusal.py).
"""

from pyarc.sandbox.aws_endpoint.dispatcher import AwsEndpoint
from pyarc.sandbox.aws_endpoint.fallback import Fallback, installed_fallback
from pyarc.sandbox.aws_endpoint.scope import signing_service

__all__ = ["AwsEndpoint", "Fallback", "installed_fallback", "signing_service"]
