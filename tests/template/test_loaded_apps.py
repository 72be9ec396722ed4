"""Apps read from real manifests (`pyarc.inventory.load`) produce clean templates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pyarc.inventory import load

HERE = Path(__file__).parent
REPO = HERE.parent.parent


@pytest.fixture
def everything(tmp_path: Path) -> Path:
    app_dir = tmp_path / "everything"
    shutil.copytree(HERE / "apps" / "everything", app_dir)
    return app_dir


@pytest.mark.parametrize("env", ["staging", "production"])
def test_every_pragma_from_a_manifest(everything, validate, env):
    inventory = load(everything)
    template, transformed = validate(inventory, env)
    resources = template["Resources"]
    assert resources["NotesTable"]["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "expires",
        "Enabled": True,
    }
    assert resources["UsersTable"]["Properties"]["StreamSpecification"] == {
        "StreamViewType": "NEW_AND_OLD_IMAGES"
    }
    assert resources["NoonSchedule"]["Properties"]["ScheduleExpressionTimezone"] == "Europe/Paris"
    assert "FifoQueue" not in resources["BulkQueue"]["Properties"]
    assert resources["WorkQueue"]["Properties"]["VisibilityTimeout"] == 10  # @aws timeout
    admin = resources["GetAdminHTTPLambda"]["Properties"]
    assert admin["Architectures"] == ["x86_64"]
    assert admin["ReservedConcurrentExecutions"] == 2
    assert "AmazonDynamoDBReadOnlyAccess" in admin["Policies"]
    variables = resources["GetIndexHTTPLambda"]["Properties"]["Environment"]["Variables"]
    assert variables["API_KEY"] == {"staging": "staging-key", "production": "live-key"}[env]
    assert transformed["Resources"]["WebsocketStage"]["Properties"]["StageName"] == env


def test_the_cage_socket_example_lints_clean(validate):
    example = REPO / "examples" / "cage_socket"
    if not (example / "app.arc").is_file():
        pytest.fail("examples/cage_socket/app.arc is missing")
    inventory = load(example)
    template, _ = validate(inventory)
    assert template["Resources"]["WS"]["Properties"]["ProtocolType"] == "WEBSOCKET"
    assert template["Resources"]["CDN"]["Type"] == "AWS::CloudFront::Distribution"


def test_the_javascript_cage_socket_example_lints_clean_with_roles_read_from_its_code(validate):
    example = REPO / "examples" / "cage_socket_js"
    inventory = load(example)
    template, _ = validate(inventory)
    assert {fn.config.runtime for fn in inventory.functions} == {"nodejs22.x"}
    resources = template["Resources"]
    role = resources[resources["GetConnectionsHTTPLambda"]["Properties"]["Role"]["Fn::GetAtt"][0]]
    granted = {
        action
        for policy in role["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
        for action in statement["Action"]
        if not action.startswith(("logs:", "ssm:"))
    }
    # src/shared/aviary.js: data.data.query, data.data.delete, arc.ws.send
    assert granted == {"dynamodb:Query", "dynamodb:DeleteItem", "execute-api:ManageConnections"}
