"""Checkov findings pyarc accepts on purpose, each written into the resource's own metadata
(`Metadata.checkov.skip`, which checkov reads) with the reason, so a reader of the template
sees why, and `checkov -f sam.yaml --framework cloudformation` reports no failed check.

Everything else checkov checks is met by the template itself (private encrypted TLS-only
bucket, stage access logs, encrypted topics, retained production tables...).
"""

from __future__ import annotations

from collections.abc import Callable

from pyarc.template.context import Draft, Json

Applies = Callable[[Draft, Json], bool]


def always(draft: Draft, resource: Json) -> bool:
    return True


def unthrottled(draft: Draft, resource: Json) -> bool:
    return "ReservedConcurrentExecutions" not in resource["Properties"]


def public(draft: Draft, resource: Json) -> bool:
    return not resource["Properties"]["PublicAccessBlockConfiguration"]["BlockPublicPolicy"]


def without_pitr(draft: Draft, resource: Json) -> bool:
    return "PointInTimeRecoverySpecification" not in resource["Properties"]


# resource type -> (check id, applies when, reason)
ACCEPTED: dict[str, list[tuple[str, Applies, str]]] = {
    "AWS::Serverless::Function": [
        ("CKV_AWS_117", always, "Functions call only AWS APIs; a VPC would add NAT gateways "
         "and cold-start cost for no isolation gained."),
        ("CKV_AWS_116", always, "HTTP and WebSocket invocations are synchronous; retries of "
         "events, queues and schedules are the app's choice (a DLQ can be added by policy)."),
        ("CKV_AWS_173", always, "Lambda encrypts environment variables at rest with an AWS "
         "managed key; a customer managed key adds a key policy to manage."),
        ("CKV_AWS_115", unthrottled, "Reserved concurrency takes from the account's pool; set "
         "`concurrency` in @aws or config.arc to reserve it."),
    ],
    "AWS::Logs::LogGroup": [
        ("CKV_AWS_158", always, "CloudWatch Logs encrypts log data at rest by default; a KMS "
         "key would need a key policy for the logs service."),
    ],
    "AWS::SQS::Queue": [
        ("CKV_AWS_27", always, "Encrypted at rest with SQS managed keys (SqsManagedSseEnabled), "
         "which checkov does not recognise."),
    ],
    "AWS::DynamoDB::Table": [
        ("CKV_AWS_119", always, "DynamoDB encrypts every table at rest; `encrypt <key ARN>` "
         "under @tables chooses a customer managed key."),
        ("CKV_AWS_28", without_pitr, "Staging tables: point-in-time recovery is on in "
         "production (and with `@aws retain-tables true` or `pitr true`)."),
    ],
    "AWS::S3::Bucket": [
        ("CKV_AWS_21", always, "The bucket holds the app's static folder, published again "
         "by every deploy; its history is the app's source control."),
        ("CKV_AWS_54", public, "`@static public true` without @cdn asks for public reads of "
         "the files; objects still cannot be made public by ACL."),
        ("CKV_AWS_56", public, "`@static public true` without @cdn asks for public reads of "
         "the files, through the bucket policy only."),
        ("CKV_AWS_18", always, "Server access logs would need a second bucket; reads go "
         "through CloudFront or the API, which log."),
    ],
    "AWS::CloudFront::Distribution": [
        ("CKV_AWS_86", always, "Standard logs need a log bucket with ACLs; add one when "
         "needed. The API behind it keeps access logs."),
        ("CKV_AWS_68", always, "AWS WAF is billed per web ACL and rule; attach one for apps "
         "that need it."),
        ("CKV_AWS_174", always, "The default *.cloudfront.net certificate: CloudFront sets "
         "its TLS policy, which is only selectable with a custom certificate."),
    ],
}


def add_scanner_notes(draft: Draft) -> None:
    for resource in draft.resources.values():
        skips = [
            {"id": check, "comment": reason}
            for check, applies, reason in ACCEPTED.get(resource["Type"], [])
            if applies(draft, resource)
        ]
        if skips:
            resource.setdefault("Metadata", {})["checkov"] = {"skip": skips}
