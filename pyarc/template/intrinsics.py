"""Small builders for CloudFormation intrinsic functions and ARNs.

Every ARN the template writes goes through here, so the partition, region and
account are always the stack's own pseudo parameters and never hard-coded.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def ref(logical_id: str) -> Json:
    return {"Ref": logical_id}


def get_att(logical_id: str, attribute: str) -> Json:
    return {"Fn::GetAtt": [logical_id, attribute]}


def sub(text: str) -> Json:
    return {"Fn::Sub": text}


def arn(service: str, resource: str, *, regional: bool = True, account: bool = True) -> Json:
    """`arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<resource>` as Fn::Sub."""
    region = "${AWS::Region}" if regional else ""
    account_id = "${AWS::AccountId}" if account else ""
    return sub(f"arn:${{AWS::Partition}}:{service}:{region}:{account_id}:{resource}")


def execute_api_host(api_logical_id: str) -> str:
    """The `${Api}.execute-api.<region>.<suffix>` host, for use inside Fn::Sub text."""
    return f"${{{api_logical_id}}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}"


def assume_role(service: str, condition: Json | None = None) -> Json:
    """The trust policy letting `service` (`lambda.amazonaws.com`) assume a role."""
    statement: Json = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return {"Version": "2012-10-17", "Statement": [statement]}
