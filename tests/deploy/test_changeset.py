"""The stack applier on paths moto cannot produce (failed creates, stuck and busy stacks).

moto never fails a stack, never pages DescribeStackEvents and never reports a stack busy, so
these tests drive a real boto3 CloudFormation client through botocore's Stubber: every call
and every answer is checked against the CloudFormation API model, and a call the flow should
not make fails the test.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from rich.console import Console

from pyarc.deploy import changeset
from pyarc.deploy.changeset import StackApplier
from pyarc.errors import PyarcError

STACK = "CageSocketStaging"
STACK_ID = f"arn:aws:cloudformation:us-west-2:123456789012:stack/{STACK}/1"
TOKEN = "pyarc-fixed-token"
URL = "https://bucket.s3.us-west-2.amazonaws.com/CageSocketStaging/templates/x.json"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)  # AWS's clock behind ours: the token decides


@pytest.fixture
def cfn(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(changeset, "new_token", lambda: TOKEN)
    client = boto3.client(
        "cloudformation",
        region_name="us-west-2",
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def applier(client: Any) -> tuple[StackApplier, Console]:
    console = Console(record=True, width=300, force_terminal=False)
    return StackApplier(client, console, poll_seconds=0, sleep=lambda _: None), console


def stack(status: str) -> dict[str, Any]:
    return {
        "Stacks": [
            {
                "StackName": STACK,
                "StackId": STACK_ID,
                "CreationTime": LONG_AGO,
                "StackStatus": status,
            }
        ]
    }


def event(n: int, logical: str, status: str, reason: str = "", token: str = TOKEN) -> dict:
    found = {
        "StackId": STACK_ID,
        "EventId": f"event-{n}",
        "StackName": STACK,
        "LogicalResourceId": logical,
        "ResourceType": "AWS::Lambda::Function",
        "Timestamp": LONG_AGO + timedelta(seconds=n),
        "ResourceStatus": status,
        "ClientRequestToken": token,
    }
    if reason:
        found["ResourceStatusReason"] = reason
    return found


def no_stack(stubber: Stubber) -> None:
    stubber.add_client_error(
        "describe_stacks",
        service_error_code="ValidationError",
        service_message=f"Stack with id {STACK} does not exist",
        expected_params={"StackName": STACK},
    )


def change_set(stubber: Stubber, kind: str, status: str = "CREATE_COMPLETE", reason: str = ""):
    stubber.add_response(
        "create_change_set",
        {"Id": f"{STACK_ID}/cs", "StackId": STACK_ID},
        {
            "StackName": STACK,
            "ChangeSetName": ANY,
            "ChangeSetType": kind,
            "TemplateURL": URL,
            "Capabilities": ANY,
            "Tags": [],
        },
    )
    answer = {"Status": status, "StackName": STACK}
    if reason:
        answer["StatusReason"] = reason
    stubber.add_response("describe_change_set", answer, {"StackName": STACK, "ChangeSetName": ANY})


def test_failed_create_names_the_root_cause_from_deep_in_the_event_history(cfn) -> None:
    client, stubber = cfn
    # newest first, as CloudFormation lists them: the rollback's events fill the first page
    rollback = [event(300 - i, f"Thing{i}", "DELETE_COMPLETE") for i in range(100)]
    cancelled = [
        event(150 - i, f"Other{i}", "CREATE_FAILED", "Resource creation cancelled")
        for i in range(20)
    ]
    root = event(
        100,
        "ConnectWSLambda",
        "CREATE_FAILED",
        'Resource handler returned message: "Code storage limit exceeded."',
    )
    started = event(1, STACK, "CREATE_IN_PROGRESS", "User Initiated")
    previous = event(0, STACK, "REVIEW_IN_PROGRESS", "User Initiated", token="someone-else")
    pages = [
        {"StackEvents": rollback, "NextToken": "page-2"},
        {"StackEvents": [*cancelled, root, started, previous]},
    ]

    no_stack(stubber)
    change_set(stubber, "CREATE")
    stubber.add_response(
        "execute_change_set",
        {},
        {"StackName": STACK, "ChangeSetName": ANY, "ClientRequestToken": TOKEN},
    )
    stubber.add_response("describe_stacks", stack("ROLLBACK_COMPLETE"), {"StackName": STACK})
    for _ in range(2):  # once for the progress display, once for the failure message
        stubber.add_response("describe_stack_events", pages[0], {"StackName": STACK})
        stubber.add_response(
            "describe_stack_events", pages[1], {"StackName": STACK, "NextToken": "page-2"}
        )

    deployer, console = applier(client)
    with pytest.raises(PyarcError) as raised:
        deployer.apply(STACK, URL, {})
    message = str(raised.value)
    assert message.startswith(
        f"Deploying {STACK} failed with ROLLBACK_COMPLETE (ConnectWSLambda: Resource handler"
    )
    assert "Code storage limit exceeded" in message
    assert "cancelled" not in message  # consequences, not causes
    shown = console.export_text()
    assert "ConnectWSLambda" in shown and "Thing0" in shown  # every event of the operation
    assert "REVIEW_IN_PROGRESS" not in shown  # another operation's event


@pytest.mark.parametrize(
    ("status", "advice"),
    [
        ("UPDATE_ROLLBACK_FAILED", "continue-update-rollback --stack-name CageSocketStaging"),
        ("ROLLBACK_FAILED", "delete-stack --stack-name CageSocketStaging"),
        ("DELETE_FAILED", "delete-stack --stack-name CageSocketStaging"),
    ],
)
def test_a_stack_cloudformation_cannot_update_stops_with_the_repair(
    cfn, status: str, advice: str
) -> None:
    client, stubber = cfn
    stubber.add_response("describe_stacks", stack(status), {"StackName": STACK})
    deployer, _ = applier(client)
    with pytest.raises(PyarcError) as raised:
        deployer.apply(STACK, URL, {})  # and no change set: the Stubber has none queued
    assert status in str(raised.value)
    assert advice in str(raised.value)


def test_a_busy_stack_is_waited_for_then_updated(cfn) -> None:
    client, stubber = cfn
    stubber.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"), {"StackName": STACK})
    stubber.add_response("describe_stacks", stack("UPDATE_IN_PROGRESS"), {"StackName": STACK})
    stubber.add_response("describe_stack_events", {"StackEvents": []}, {"StackName": STACK})
    stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"), {"StackName": STACK})
    stubber.add_response("describe_stack_events", {"StackEvents": []}, {"StackName": STACK})
    change_set(
        stubber,
        "UPDATE",
        status="FAILED",
        reason="The submitted information didn't contain changes. Submit different information "
        "to create a change set.",
    )
    stubber.add_response("delete_change_set", {}, {"StackName": STACK, "ChangeSetName": ANY})
    stubber.add_response("describe_stacks", stack("UPDATE_COMPLETE"), {"StackName": STACK})

    deployer, console = applier(client)
    result = deployer.apply(STACK, URL, {})
    assert result.changed is False
    assert result.status == "UPDATE_COMPLETE"
    text = console.export_text()
    assert f"{STACK} is UPDATE_IN_PROGRESS; waiting" in text
    assert "no infrastructure changes" in text
