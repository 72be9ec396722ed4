"""What pyarc reads from a Node.js function's JavaScript to grant its role (js_analysis.py):
@architect/functions, the AWS SDK v3 and v2, and the fallback to Architect's shared grants
when the code cannot be read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pyarc.template.analysis import Use
from pyarc.template.js_analysis import analyse_js


def uses_of(tmp_path: Path, source: str, name: str = "index.mjs") -> set[tuple]:
    """(service, operation, resource name, line) of each use found in one file."""
    src = tmp_path / "src"
    src.mkdir(exist_ok=True)
    (src / name).write_text(textwrap.dedent(source).lstrip("\n"))
    found = analyse_js([src], tmp_path)
    return {(u.service, u.operation, u.name, int(u.where.rsplit(":", 1)[1])) for u in found}


def services(uses: set[tuple]) -> set[tuple]:
    return {(service, operation, name) for service, operation, name, _ in uses}


ARCHITECTS_GRANTS = {
    ("dynamodb", None, None), ("sns", None, None), ("sqs", None, None),
    ("apigatewaymanagementapi", None, None), ("s3", None, None),
}  # fmt: skip


def test_architect_functions_tables_events_queues_and_ws(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        import arc from '@architect/functions'
        export async function handler (req) {
          const data = await arc.tables()
          await data.notes.get({ id: req.id })
          const { users } = data
          await users.put({ id: 1 })
          await data.things.scanAll({})
          await arc.events.publish({ name: 'ping', payload: {} })
          await arc.queues.publish({ name: 'jobs', payload: {} })
          await arc.ws.send({ id: req.id, payload: {} })
          await arc.ws.close({ id: req.id })
        }
        """,
    )
    assert found == {
        ("dynamodb", "GetItem", "notes", 4),
        ("dynamodb", "PutItem", "users", 6),
        ("dynamodb", "Scan", "things", 7),
        ("sns", "Publish", "ping", 8),
        ("sqs", "SendMessage", "jobs", 9),
        ("apigatewaymanagementapi", "PostToConnection", None, 10),
        ("apigatewaymanagementapi", "DeleteConnection", None, 11),
    }


def test_commonjs_named_requires_and_callback_style(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        const { tables, events: bus } = require('@architect/functions')
        exports.handler = function (event, context, callback) {
          tables().then(function (data) { callback(null, 1) })
          bus.publish({ name: 'ping', payload: {} }, callback)
        }
        """,
        name="index.cjs",
    )
    # `.then(...)` hands the client to a callback it cannot follow: any table, any action
    assert services(found) == {("dynamodb", None, None), ("sns", "Publish", "ping")}


def test_comments_strings_and_templates_are_not_code(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        const arc = require('@architect/functions')
        // arc.events.publish({ name: 'commented' })
        /* arc.queues.publish({ name: 'blocked' }) */
        const text = "arc.ws.send({ id })"
        const shown = `arc.tables() ${'x'}`
        module.exports.handler = async () => ({ statusCode: 200, body: text + shown })
        """,
        name="index.js",
    )
    assert found == set()


def test_names_computed_at_run_time_mean_any_resource_of_that_kind(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        import arc from '@architect/functions'
        export async function handler (req) {
          const data = await arc.tables()
          await data[req.table].query({})
          await arc.events.publish({ name: req.topic, payload: {} })
        }
        """,
    )
    assert services(found) == {("dynamodb", "Query", None), ("sns", "Publish", None)}


def test_a_table_or_client_handed_to_other_code_gets_every_action_on_it(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        import arc from '@architect/functions'
        import { save } from './save.mjs'
        export async function handler () {
          const data = await arc.tables()
          await save(data.notes)
          return { statusCode: 200 }
        }
        """,
    )
    assert services(found) == {("dynamodb", None, "notes")}
    everything = uses_of(
        tmp_path,
        """
        const arc = require('@architect/functions')
        module.exports = { arc }
        """,
    )
    assert services(everything) == ARCHITECTS_GRANTS


@pytest.mark.parametrize(
    "source",
    [
        "const lib = require(process.env.LIB)\n",
        "export const load = (name) => import(name)\n",
        "export function handler ( {\n",  # does not parse
    ],
)
def test_unreadable_code_falls_back_to_architects_shared_grants(tmp_path: Path, source) -> None:
    assert services(uses_of(tmp_path, source)) == ARCHITECTS_GRANTS


def test_aws_sdk_v3_commands_and_clients(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb'
        import { DynamoDBDocument, PutCommand } from '@aws-sdk/lib-dynamodb'
        import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs'
        import * as s3 from '@aws-sdk/client-s3'
        const client = new DynamoDBClient({})
        const doc = DynamoDBDocument.from(client)
        export async function handler () {
          await client.send(new QueryCommand({ TableName: 'x' }))
          await doc.send(new PutCommand({ TableName: 'x', Item: {} }))
          await doc.delete({ TableName: 'x', Key: {} })
          await new SQSClient({}).send(new SendMessageCommand({}))
          await new s3.S3({}).getObject({ Bucket: 'b', Key: 'k' })
        }
        """,
    )
    assert services(found) == {
        ("dynamodb", "Query", None),
        ("dynamodb", "PutItem", None),
        ("dynamodb", "DeleteItem", None),
        ("sqs", "SendMessage", None),
        ("s3", "GetObject", None),
    }


def test_aws_sdk_v2_services_constructed(tmp_path: Path) -> None:
    found = uses_of(
        tmp_path,
        """
        const AWS = require('aws-sdk')
        const sns = new AWS.SNS()
        const doc = new AWS.DynamoDB.DocumentClient()
        """,
        name="index.js",
    )
    assert services(found) == {("sns", None, None), ("dynamodb", None, None)}


def test_node_modules_and_hidden_folders_are_not_read(tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "node_modules" / "dep").mkdir(parents=True)
    (src / "node_modules" / "dep" / "index.js").write_text(
        "require('@architect/functions').events.publish({ name: 'x', payload: 1 })\n"
    )
    (src / "index.py").write_text("import boto3\n")
    assert analyse_js([src], tmp_path) == []


def test_uses_carry_the_file_line_and_code(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "index.mjs").write_text(
        "import arc from '@architect/functions'\n"
        "export const handler = async () => arc.events.publish({ name: 'ping', payload: 1 })\n"
    )
    assert analyse_js([src], tmp_path) == [
        Use("sns", "Publish", "ping", "src/index.mjs:2",
            "arc.events.publish({ name: 'ping', payload: 1 })")
    ]  # fmt: skip


def test_explain_iam_shows_architects_grants_for_unreadable_javascript(tmp_path: Path) -> None:
    """Only what the app has: its table and event, no connections (no @ws), no bucket."""
    from pyarc.inventory import load
    from pyarc.template import explain_iam

    (tmp_path / "app.arc").write_text(
        "@app\nfallback\n@aws\nruntime nodejs22.x\n@events\nping\n@tables\nnotes\n  id *String\n"
    )
    src = tmp_path / "src" / "events" / "ping"
    src.mkdir(parents=True)
    (src / "index.js").write_text(
        "const lib = require(process.env.LIB)\nexports.handler = async e => lib.run(e)\n"
    )
    text = explain_iam(load(tmp_path))
    assert "dynamodb:GetItem, dynamodb:BatchGetItem" in text
    assert "on table notes: src/events/ping/index.js:1 require(process.env.LIB) (a module" in text
    assert "sns:Publish\n      on event ping: src/events/ping/index.js:1" in text
    assert "execute-api" not in text and "s3:" not in text and "not granted" not in text
