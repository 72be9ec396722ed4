"""`@cdn` -> an `AWS::CloudFront::Distribution` declared in the template.

Architect creates its distribution by API after deploying; pyarc declares it, so
`destroy` removes it with the stack. The origin is the HTTP API when there is one
(it also serves `/_static/*`), otherwise the static bucket's website endpoint.
"""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import execute_api_host, get_att, sub

# AWS managed policies (ids are the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
ORIGIN_ID = "Origin"


def add_cdn(draft: Draft) -> None:
    inventory = draft.inventory
    if inventory.cdn is None or not inventory.cdn.enabled:
        return
    if inventory.http:
        config = api_distribution(draft)
    elif inventory.static is not None and draft.has_static_bucket:
        config = bucket_distribution()
    else:
        raise PyarcError(
            f"@cdn in {inventory.manifest.name} needs something to serve; add @http or @static "
            "(with a bucket pyarc creates)."
        )
    config |= {
        "Enabled": True,
        "Comment": f"{inventory.app} {draft.env}",
        "HttpVersion": "http2and3",
        "IPV6Enabled": True,
        "PriceClass": "PriceClass_All",
    }
    draft.add(
        names.CDN,
        {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": config}},
        owner="@cdn",
    )
    draft.output("CDN", sub(f"https://${{{names.CDN}.DomainName}}"), "CloudFront URL")


def api_distribution(draft: Draft) -> Json:
    """Everything goes to the API uncached; `/_static/*` is cached like assets should be."""
    origin = {
        "Id": ORIGIN_ID,
        "DomainName": sub(execute_api_host(names.HTTP_API)),
        "CustomOriginConfig": {
            "OriginProtocolPolicy": "https-only",
            "OriginSSLProtocols": ["TLSv1.2"],
        },
    }
    behaviour = {
        "TargetOriginId": ORIGIN_ID,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": ALL_METHODS,
        "CachedMethods": ["GET", "HEAD"],
        "Compress": True,
        "CachePolicyId": CACHING_DISABLED,
        "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST_HEADER,
    }
    config: Json = {"Origins": [origin], "DefaultCacheBehavior": behaviour}
    if draft.inventory.static is not None:
        config["CacheBehaviors"] = [
            {
                "PathPattern": "_static/*",
                "TargetOriginId": ORIGIN_ID,
                "ViewerProtocolPolicy": "redirect-to-https",
                "AllowedMethods": ["GET", "HEAD"],
                "CachedMethods": ["GET", "HEAD"],
                "Compress": True,
                "CachePolicyId": CACHING_OPTIMIZED,
            }
        ]
    return config


def bucket_distribution() -> Json:
    """The website endpoint (HTTP only, as S3 website endpoints are) behind HTTPS viewers."""
    website_host = {
        "Fn::Select": [2, {"Fn::Split": ["/", get_att(names.STATIC_BUCKET, "WebsiteURL")]}]
    }
    return {
        "Origins": [
            {
                "Id": ORIGIN_ID,
                "DomainName": website_host,
                "CustomOriginConfig": {"OriginProtocolPolicy": "http-only"},
            }
        ],
        "DefaultCacheBehavior": {
            "TargetOriginId": ORIGIN_ID,
            "ViewerProtocolPolicy": "redirect-to-https",
            "AllowedMethods": ["GET", "HEAD"],
            "CachedMethods": ["GET", "HEAD"],
            "Compress": True,
            "CachePolicyId": CACHING_OPTIMIZED,
        },
        "DefaultRootObject": "index.html",
    }
