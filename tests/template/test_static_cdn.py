"""@static -> S3 website bucket + public-read policy; @cdn -> CloudFront distribution."""

from __future__ import annotations

import pytest

from pyarc.errors import PyarcError
from pyarc.template import build
from pyarc.template.cdn import CACHING_DISABLED, CACHING_OPTIMIZED


def bucket_policy(resources: dict) -> dict[str, dict]:
    statements = resources["StaticBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    return {s["Sid"]: s for s in statements}


def test_static_bucket_is_private_encrypted_and_tls_only(app):
    app.static()
    template = build(app.inventory)
    resources = template["Resources"]
    bucket = resources["StaticBucket"]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert "WebsiteConfiguration" not in bucket
    [rule] = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    statements = bucket_policy(resources)
    assert set(statements) == {"TLSRequestsOnly"}
    tls = statements["TLSRequestsOnly"]
    assert tls["Effect"] == "Deny" and tls["Action"] == "s3:*"
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert "BucketURL" not in template.get("Outputs", {})
    assert any("private and no @cdn" in note for note in template["Metadata"]["pyarc"]["Notes"])


def test_public_read_only_when_asked_and_without_a_cdn(app):
    app.static(public=True)
    template = build(app.inventory)
    resources = template["Resources"]
    block = resources["StaticBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert block["BlockPublicPolicy"] is False and block["RestrictPublicBuckets"] is False
    public = bucket_policy(resources)["PublicReadGetObject"]
    assert public["Principal"] == "*" and public["Action"] == "s3:GetObject"
    assert public["Resource"] == {"Fn::Sub": "${StaticBucket.Arn}/*"}
    assert "TLSRequestsOnly" in bucket_policy(resources)
    assert template["Outputs"]["BucketURL"]["Value"] == {
        "Fn::Sub": "https://${StaticBucket.RegionalDomainName}/"
    }
    app.cdn()  # a CDN makes the bucket private again, read by CloudFront only
    resources = build(app.inventory)["Resources"]
    assert set(bucket_policy(resources)) == {"TLSRequestsOnly", "CloudFrontReadsObjects"}
    assert resources["StaticBucket"]["Properties"]["PublicAccessBlockConfiguration"][
        "RestrictPublicBuckets"
    ]


def test_no_bucket_without_static_or_a_folder(app):
    app.http("get", "/", "get-index")
    resources = build(app.inventory)["Resources"]
    assert not [r for r in resources.values() if r["Type"].startswith("AWS::S3::")]
    variables = resources["GetIndexHTTPLambda"]["Properties"]["Environment"]["Variables"]
    assert "ARC_STATIC_BUCKET" not in variables


def test_fingerprint_is_published_for_discovery(app):
    app.static(fingerprint=True)
    template = build(app.inventory)
    param = template["Resources"]["StaticFingerprintParam"]["Properties"]
    assert param["Name"] == {"Fn::Sub": "/${AWS::StackName}/static/fingerprint"}
    assert param["Value"] == "true"


def test_existing_bucket_for_the_env_is_used_not_created(app):
    app.static(production="my-prod-assets")
    app.http("get", "/", "get-index")
    production = build(app.inventory, "production")["Resources"]
    assert "StaticBucket" not in production
    env = production["GetIndexHTTPLambda"]["Properties"]["Environment"]["Variables"]
    assert env["ARC_STATIC_BUCKET"] == "my-prod-assets"
    assert "StaticBucket" in build(app.inventory, "staging")["Resources"]


def test_cdn_in_front_of_the_api_reads_static_from_the_private_bucket(app):
    app.static(prefix="site").http("get", "/", "get-index").cdn()
    template = build(app.inventory)
    resources = template["Resources"]
    config = resources["CDN"]["Properties"]["DistributionConfig"]
    assert config["Enabled"] is True
    api, bucket = config["Origins"]
    assert api["DomainName"] == {
        "Fn::Sub": "${HTTP}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert api["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert bucket["DomainName"] == {"Fn::GetAtt": ["StaticBucket", "RegionalDomainName"]}
    assert bucket["OriginAccessControlId"] == {"Fn::GetAtt": ["StaticOriginAccess", "Id"]}
    assert bucket["OriginPath"] == "/site"
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_DISABLED
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    [static] = config["CacheBehaviors"]
    assert static["PathPattern"] == "_static/*"
    assert static["TargetOriginId"] == bucket["Id"]
    assert static["CachePolicyId"] == CACHING_OPTIMIZED
    [association] = static["FunctionAssociations"]
    assert association["FunctionARN"] == {"Fn::GetAtt": ["StaticPathFunction", "FunctionARN"]}
    code = resources["StaticPathFunction"]["Properties"]["FunctionCode"]
    assert "_static" in code and "request.uri" in code
    # the API no longer proxies a bucket it may not read
    paths = resources["HTTP"]["Properties"]["DefinitionBody"]["paths"]
    assert "/_static/{proxy+}" not in paths
    read = bucket_policy(resources)["CloudFrontReadsObjects"]
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"].endswith(
        ":distribution/${CDN}"
    )
    assert template["Outputs"]["CDN"]["Value"] == {"Fn::Sub": "https://${CDN.DomainName}"}


def test_cdn_for_a_static_only_site_reads_the_private_bucket(app):
    app.static(spa=True).cdn()
    config = build(app.inventory)["Resources"]["CDN"]["Properties"]["DistributionConfig"]
    [origin] = config["Origins"]
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert config["DefaultRootObject"] == "index.html"
    assert {e["ErrorCode"]: e["ResponsePagePath"] for e in config["CustomErrorResponses"]} == {
        403: "/index.html",
        404: "/index.html",
    }


def test_cdn_with_nothing_to_serve_is_refused(app):
    app.event("ping").cdn()
    with pytest.raises(PyarcError, match="@cdn in app.arc needs something to serve"):
        build(app.inventory)


def test_no_cdn_without_the_pragma(app):
    app.http("get", "/", "get-index")
    assert "CDN" not in build(app.inventory)["Resources"]
