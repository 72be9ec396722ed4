"""@static -> S3 website bucket + public-read policy; @cdn -> CloudFront distribution."""

from __future__ import annotations

import pytest

from pyarc.errors import PyarcError
from pyarc.template import build
from pyarc.template.cdn import CACHING_DISABLED, CACHING_OPTIMIZED


def test_static_bucket_website_and_public_read_policy(app):
    app.static()
    resources = build(app.inventory)["Resources"]
    bucket = resources["StaticBucket"]["Properties"]
    assert bucket["WebsiteConfiguration"] == {
        "IndexDocument": "index.html",
        "ErrorDocument": "404.html",
    }
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    policy = resources["StaticBucketPolicy"]["Properties"]
    assert policy["Bucket"] == {"Ref": "StaticBucket"}
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == "s3:GetObject"
    assert statement["Principal"] == "*"
    assert statement["Resource"] == {"Fn::Sub": "${StaticBucket.Arn}/*"}


def test_spa_serves_index_for_missing_paths(app):
    app.static(spa=True)
    bucket = build(app.inventory)["Resources"]["StaticBucket"]["Properties"]
    assert bucket["WebsiteConfiguration"]["ErrorDocument"] == "index.html"


def test_fingerprint_is_published_for_discovery(app):
    app.static(fingerprint=True)
    template = build(app.inventory)
    param = template["Resources"]["StaticFingerprintParam"]["Properties"]
    assert param["Name"] == {"Fn::Sub": "/${AWS::StackName}/static/fingerprint"}
    assert param["Value"] == "true"
    assert template["Outputs"]["BucketURL"]["Value"] == {
        "Fn::GetAtt": ["StaticBucket", "WebsiteURL"]
    }


def test_existing_bucket_for_the_env_is_used_not_created(app):
    app.static(production="my-prod-assets")
    app.http("get", "/", "get-index")
    production = build(app.inventory, "production")["Resources"]
    assert "StaticBucket" not in production
    env = production["GetIndexHTTPLambda"]["Properties"]["Environment"]["Variables"]
    assert env["ARC_STATIC_BUCKET"] == "my-prod-assets"
    assert "StaticBucket" in build(app.inventory, "staging")["Resources"]


def test_cdn_in_front_of_the_api_caches_only_static(app):
    app.http("get", "/", "get-index").cdn()
    template = build(app.inventory)
    config = template["Resources"]["CDN"]["Properties"]["DistributionConfig"]
    assert config["Enabled"] is True
    [origin] = config["Origins"]
    assert origin["DomainName"] == {
        "Fn::Sub": "${HTTP}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == CACHING_DISABLED
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    [static] = config["CacheBehaviors"]
    assert static["PathPattern"] == "_static/*"
    assert static["CachePolicyId"] == CACHING_OPTIMIZED
    assert template["Outputs"]["CDN"]["Value"] == {"Fn::Sub": "https://${CDN.DomainName}"}


def test_cdn_for_a_static_only_site_uses_the_website_endpoint(app):
    app.static().cdn()
    config = build(app.inventory)["Resources"]["CDN"]["Properties"]["DistributionConfig"]
    [origin] = config["Origins"]
    assert origin["CustomOriginConfig"] == {"OriginProtocolPolicy": "http-only"}
    assert origin["DomainName"]["Fn::Select"][1]["Fn::Split"][1] == {
        "Fn::GetAtt": ["StaticBucket", "WebsiteURL"]
    }
    assert config["DefaultRootObject"] == "index.html"


def test_cdn_with_nothing_to_serve_is_refused(app):
    app.event("ping").cdn()
    with pytest.raises(PyarcError, match="@cdn in app.arc needs something to serve"):
        build(app.inventory)


def test_no_cdn_without_the_pragma(app):
    app.http("get", "/", "get-index")
    assert "CDN" not in build(app.inventory)["Resources"]
