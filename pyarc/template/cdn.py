"""`@cdn` -> an `AWS::CloudFront::Distribution` declared in the template.

Architect creates its distribution by API after deploying; pyarc declares it, so
`destroy` removes it with the stack. The origin is the HTTP API when there is one; the
static bucket stays private and CloudFront reads it through origin access control
(`/_static/*`, or the whole site when there is no `@http`).
"""

from __future__ import annotations

from pyarc.errors import PyarcError
from pyarc.template import names
from pyarc.template.context import Draft, Json
from pyarc.template.intrinsics import execute_api_host, get_att, ref, sub

# AWS managed policies (ids are the same in every account).
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"]
ORIGIN_ID = "Origin"
BUCKET_ORIGIN_ID = "StaticBucket"
ORIGIN_ACCESS = "StaticOriginAccess"
PATH_FUNCTION = "StaticPathFunction"
STRIP_STATIC_PREFIX = """function handler(event) {
  var request = event.request;
  request.uri = request.uri.replace(/^\\/_static(?=\\/)/, '');
  return request;
}
"""


def add_cdn(draft: Draft) -> None:
    inventory = draft.inventory
    if not draft.cdn:
        return
    private_bucket = draft.has_static_bucket and not draft.static_public
    if inventory.http:
        config = api_distribution(draft, private_bucket)
    elif draft.has_static_bucket:
        config = bucket_distribution(draft)
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
    if private_bucket:
        add_origin_access(draft)
    draft.add(
        names.CDN,
        {"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": config}},
        owner="@cdn",
    )
    draft.output("CDN", sub(f"https://${{{names.CDN}.DomainName}}"), "CloudFront URL")


def unique_name(prefix: str) -> Json:
    """`<prefix>-<stack uuid>`: CloudFront names are account-wide and at most 64 characters."""
    stack_uuid = {"Fn::Select": [2, {"Fn::Split": ["/", ref("AWS::StackId")]}]}
    return {"Fn::Join": ["-", [prefix, stack_uuid]]}


def add_origin_access(draft: Draft) -> None:
    draft.add(
        ORIGIN_ACCESS,
        {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {
                "OriginAccessControlConfig": {
                    "Name": unique_name("static"),
                    "Description": "CloudFront reads the private static bucket",
                    "OriginAccessControlOriginType": "s3",
                    "SigningBehavior": "always",
                    "SigningProtocol": "sigv4",
                }
            },
        },
        owner="@cdn",
    )


def bucket_origin(draft: Draft) -> Json:
    static = draft.static
    origin: Json = {
        "Id": BUCKET_ORIGIN_ID,
        "DomainName": get_att(names.STATIC_BUCKET, "RegionalDomainName"),
        "S3OriginConfig": {"OriginAccessIdentity": ""},
        "OriginAccessControlId": get_att(ORIGIN_ACCESS, "Id"),
    }
    if static is not None and static.prefix:
        origin["OriginPath"] = "/" + static.prefix.strip("/")
    return origin


def api_distribution(draft: Draft, private_bucket: bool) -> Json:
    """Everything goes to the API uncached; `/_static/*` is cached like assets should be:
    read from the private bucket (through a function that drops the `/_static` prefix), or
    through the API's own proxy when the bucket is one the API may read."""
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
    if draft.static is None:
        return config
    assets: Json = {"PathPattern": "_static/*"} | cached_assets(ORIGIN_ID)
    if private_bucket:
        add_path_function(draft)
        config["Origins"].append(bucket_origin(draft))
        assets["TargetOriginId"] = BUCKET_ORIGIN_ID
        assets["FunctionAssociations"] = [
            {"EventType": "viewer-request", "FunctionARN": get_att(PATH_FUNCTION, "FunctionARN")}
        ]
    config["CacheBehaviors"] = [assets]
    return config


def cached_assets(origin_id: str) -> Json:
    """A read-only behaviour cached like files should be."""
    return {
        "TargetOriginId": origin_id,
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": ["GET", "HEAD"],
        "CachedMethods": ["GET", "HEAD"],
        "Compress": True,
        "CachePolicyId": CACHING_OPTIMIZED,
    }


def add_path_function(draft: Draft) -> None:
    draft.add(
        PATH_FUNCTION,
        {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": unique_name("static-path"),
                "AutoPublish": True,
                "FunctionConfig": {
                    "Comment": "/_static/<key> -> <key> in the static bucket",
                    "Runtime": "cloudfront-js-2.0",
                },
                "FunctionCode": STRIP_STATIC_PREFIX,
            },
        },
        owner="@cdn",
    )


def bucket_distribution(draft: Draft) -> Json:
    """A static site: the private bucket through origin access control, `/` -> index.html,
    and (`@static spa true`) every missing path answered with index.html."""
    static = draft.static
    missing = "/index.html" if static is not None and static.spa else "/404.html"
    status = "200" if missing == "/index.html" else "404"
    return {
        "Origins": [bucket_origin(draft)],
        "DefaultCacheBehavior": cached_assets(BUCKET_ORIGIN_ID),
        "DefaultRootObject": "index.html",
        # without ListBucket, S3 answers a missing key with 403
        "CustomErrorResponses": [
            {"ErrorCode": code, "ResponseCode": status, "ResponsePagePath": missing}
            for code in (403, 404)
        ],
    }
