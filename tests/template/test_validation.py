"""The whole matrix: every template passes cfn-lint (0 errors, 0 warnings) and transforms
with aws-sam-translator, both as written by `--dry-run` and as deployed (S3 CodeUri)."""

from __future__ import annotations

from collections import Counter

import pytest

from pyarc.template.cdn import CACHING_OPTIMIZED


def http_only(app):
    app.static(public=True).http("get", "/", "get-index").http("get", "/things/:id", "get-things-000id")
    app.http("post", "/things", "post-things").http("any", "/api/*", "any-api-catchall")


def http_v1(app):
    app.aws(apigateway="httpv1").http("get", "/", "get-index").http(
        "delete", "/x/:id", "delete-x-000id"
    )


def ws_only(app):
    app.ws("connect", "default", "disconnect", "rotate")


def tables(app):
    key = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    app.table(
        "notes", "noteID", sort_key="created", sort_key_type="Number", ttl="expires", pitr=True
    )
    app.index("notes", "userID-created-index", "userID", sort_key="created", sort_key_type="Number")
    app.index("notes", "tag-index", "tag", projection="keys")
    app.index("notes", "title-index", "title", projection=["body"])
    app.table("users", "userID", encrypt=True, stream=True).stream("users")
    app.table("secrets", "id", partition_key_type="Binary", encrypt=key)


def static_fingerprint(app):
    app.static(fingerprint=True, spa=True)


def static_public(app):
    app.static(public=True, prefix="site")


def http_without_files(app):
    app.http("get", "/", "get-index").ws("connect")


def cdn_api(app):
    app.static().http("get", "/", "get-index").cdn()


def cdn_static(app):
    app.static().cdn()


def events(app):
    app.event("ping").event("account-created")


def queues(app):
    app.queue("work", timeout=30)
    app.queue("bulk", fifo=False, batch_size=100, batch_window=10)


def scheduled(app):
    app.scheduled("daily", "rate(1 day)")
    app.scheduled("noon", "cron(0 12 * * ? *)", timezone="Europe/Paris")


def custom_config(app):
    layer = "arn:aws:lambda:us-west-2:123456789012:layer:deps:3"
    app.http("get", "/", "get-index", architecture="x86_64", layers=[layer], concurrency=3)
    app.http(
        "get",
        "/admin",
        "get-admin",
        policies=["AmazonDynamoDBReadOnlyAccess", "architect-default-policies"],
        memory=256,
        timeout=60,
        storage=1024,
        runtime="python3.12",
    )
    app.table("notes", "id").env("staging", API_KEY="k").env("production", API_KEY="p")


def existing_bucket_and_proxy(app):
    app.http("get", "/", "get-index").static(staging="legacy-assets", prefix="site")
    app.inventory.proxy = {"staging": "https://legacy.example.com"}


MATRIX = [
    http_only,
    http_v1,
    ws_only,
    tables,
    static_fingerprint,
    static_public,
    http_without_files,
    cdn_api,
    cdn_static,
    events,
    queues,
    scheduled,
    custom_config,
    existing_bucket_and_proxy,
]
# Every pragma together, in staging and production: test_loaded_apps.py (a real manifest).


def transformed_types(transformed: dict) -> Counter:
    return Counter(r["Type"] for r in transformed["Resources"].values())


@pytest.mark.parametrize("case", MATRIX, ids=[c.__name__ for c in MATRIX])
def test_template_lints_clean_and_transforms(app, validate, case):
    case(app)
    template, transformed = validate(app.inventory)
    types = transformed_types(transformed)
    # SAM turned every function into a Lambda function; nothing serverless is left over.
    assert types["AWS::Lambda::Function"] == len(app.inventory.functions)
    assert not [t for t in types if t.startswith("AWS::Serverless::")]


def test_transformed_http_api_has_every_route_and_the_static_proxy(app, validate):
    http_only(app)
    _, transformed = validate(app.inventory)
    paths = transformed["Resources"]["HTTP"]["Properties"]["Body"]["paths"]
    assert set(paths) == {
        "/", "/things/{id}", "/things", "/api/{proxy+}", "/_static/{proxy+}", "/{proxy+}"
    }
    assert set(paths["/{proxy+}"]) == {"get"}  # unmatched GETs: the static bucket, as locally
    assert set(paths["/things"]) == {"post"}
    assert set(paths["/api/{proxy+}"]) == {"x-amazon-apigateway-any-method"}
    permissions = [
        r for r in transformed["Resources"].values() if r["Type"] == "AWS::Lambda::Permission"
    ]
    assert len(permissions) == 4  # one per route function


def test_transformed_event_sources(app, validate):
    events(app)
    queues(app)
    tables(app)
    _, transformed = validate(app.inventory)
    types = transformed_types(transformed)
    assert types["AWS::SNS::Subscription"] == 2
    mappings = [
        r["Properties"]
        for r in transformed["Resources"].values()
        if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    by_source = {str(m["EventSourceArn"]): m for m in mappings}
    assert (
        by_source[str({"Fn::GetAtt": ["BulkQueue", "Arn"]})]["MaximumBatchingWindowInSeconds"] == 10
    )
    assert by_source[str({"Fn::GetAtt": ["WorkQueue", "Arn"]})]["BatchSize"] == 1
    assert by_source[str({"Fn::GetAtt": ["UsersTable", "StreamArn"]})]["StartingPosition"] == (
        "TRIM_HORIZON"
    )


def test_custom_policies_get_their_own_role_after_transform(app, validate):
    custom_config(app)
    _, transformed = validate(app.inventory)
    admin = transformed["Resources"]["GetAdminHTTPLambda"]["Properties"]
    assert admin["Role"] == {"Fn::GetAtt": ["GetAdminHTTPLambdaRole", "Arn"]}
    role = transformed["Resources"]["GetAdminHTTPLambdaRole"]["Properties"]
    assert "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess" in role["ManagedPolicyArns"]
    index = transformed["Resources"]["GetIndexHTTPLambda"]["Properties"]
    assert index["Role"] == {"Fn::GetAtt": ["GetIndexHTTPLambdaRole", "Arn"]}  # pyarc's


def test_cdn_static_cache_policy_survives_transform(app, validate):
    cdn_api(app)
    _, transformed = validate(app.inventory)
    config = transformed["Resources"]["CDN"]["Properties"]["DistributionConfig"]
    assert config["CacheBehaviors"][0]["CachePolicyId"] == CACHING_OPTIMIZED


def test_the_validators_do_find_problems(app, lint, transform):
    """Guard against a validator that silently passes everything."""
    from samtranslator.model.exceptions import InvalidDocumentException

    from pyarc.template import build

    http_only(app)
    template = build(app.inventory)
    broken = template["Resources"]["GetIndexHTTPLambda"]["Properties"]
    broken["MemorySize"] = 64  # below Lambda's minimum: an error
    problems = lint(template)
    assert any(p.startswith("E") and "MemorySize" in p for p in problems), problems
    plain = {
        "Resources": {"Q": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"Plain": {"Value": {"Fn::Sub": "no-variables"}}},  # needless Sub: warning
    }
    assert any(p.startswith("W1020") for p in lint(plain)), lint(plain)
    assert any(p.startswith("I3011") for p in lint(plain)), lint(plain)  # informational too
    broken["Events"]["GetIndexHTTPEvent"]["Properties"]["Method"] = {"Bad": 1}
    with pytest.raises(InvalidDocumentException):
        transform(template)
