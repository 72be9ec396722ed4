"""PartiQL through boto3: ExecuteStatement, BatchExecuteStatement, ExecuteTransaction."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

MALFORMED = "Statement wasn't well formed, can't be processed: "


@pytest.fixture
def people(ddb: Any, make_table: Any) -> str:
    make_table(
        "people",
        more_definitions=[("city", "S")],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-city",
                "KeySchema": [{"AttributeName": "city", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    for pk, sk, city, age in [
        ("a", "1", "Oslo", 30), ("a", "2", "Rome", 40), ("a", "3", "Oslo", 50),
        ("b", "1", "Rome", 20),
    ]:
        ddb.put_item(
            TableName="people",
            Item={"pk": {"S": pk}, "sk": {"S": sk}, "city": {"S": city}, "age": {"N": str(age)},
                  "select": {"S": "reserved"}},
        )
    return "people"


def run(ddb: Any, statement: str, *parameters: dict[str, Any], **extra: Any) -> dict[str, Any]:
    if parameters:
        extra["Parameters"] = list(parameters)
    return ddb.execute_statement(Statement=statement, **extra)


def keys(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(i["pk"]["S"], i["sk"]["S"]) for i in items]


def test_select_by_partition_key_is_a_query_in_sort_order(ddb: Any, people: str) -> None:
    answer = run(ddb, 'SELECT * FROM "people" WHERE pk = ?', {"S": "a"})
    assert keys(answer["Items"]) == [("a", "1"), ("a", "2"), ("a", "3")]
    assert answer["Items"][0]["city"] == {"S": "Oslo"}


def test_select_with_sort_key_range_and_non_key_filter(ddb: Any, people: str) -> None:
    answer = run(ddb, "SELECT * FROM people WHERE pk = 'a' AND sk >= '2' AND age > 45")
    assert keys(answer["Items"]) == [("a", "3")]
    answer = run(ddb, "SELECT * FROM people WHERE '2' > sk AND pk = 'a'")
    assert keys(answer["Items"]) == [("a", "1")]
    answer = run(ddb, "SELECT * FROM people WHERE pk = 'a' AND sk BETWEEN '2' AND '3'")
    assert keys(answer["Items"]) == [("a", "2"), ("a", "3")]
    answer = run(ddb, "SELECT * FROM people WHERE pk = 'a' AND begins_with(sk, '3')")
    assert keys(answer["Items"]) == [("a", "3")]


def test_select_without_the_partition_key_scans(ddb: Any, people: str) -> None:
    answer = run(ddb, "SELECT pk, sk FROM people WHERE city = 'Rome' OR age < 25")
    assert sorted(keys(answer["Items"])) == [("a", "2"), ("b", "1")]
    assert all(set(i) == {"pk", "sk"} for i in answer["Items"])
    everything = run(ddb, "SELECT * FROM people")
    assert len(everything["Items"]) == 4


def test_select_attribute_list_quoted_names_and_nested_paths(ddb: Any, people: str) -> None:
    ddb.put_item(TableName="people", Item={
        "pk": {"S": "c"}, "sk": {"S": "1"}, "doc": {"M": {"tags": {"L": [{"S": "x"}, {"S": "y"}]}}},
    })
    answer = run(ddb, 'SELECT "select", age FROM "people" WHERE "pk" = \'a\' AND "sk" = \'1\'')
    assert answer["Items"] == [{"select": {"S": "reserved"}, "age": {"N": "30"}}]
    answer = run(ddb, "SELECT doc.tags[1] FROM people WHERE pk = 'c'")
    assert answer["Items"] == [{"doc": {"M": {"tags": {"L": [{"S": "y"}]}}}}]


def test_select_from_an_index(ddb: Any, people: str) -> None:
    answer = run(ddb, 'SELECT * FROM "people"."by-city" WHERE city = ?', {"S": "Oslo"})
    assert sorted(keys(answer["Items"])) == [("a", "1"), ("a", "3")]


def test_unknown_table_and_index(ddb: Any, people: str, err: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "SELECT * FROM nowhere WHERE pk = 'a'")
    assert err(excinfo) == ("ResourceNotFoundException", "Requested resource not found")
    with pytest.raises(ClientError) as excinfo:
        run(ddb, 'SELECT * FROM "people"."by-town" WHERE city = \'Oslo\'')
    assert err(excinfo) == (
        "ValidationException", "The table does not have the specified index: by-town"
    )


def test_limit_and_next_token_page_through(ddb: Any, people: str) -> None:
    seen = []
    request: dict[str, Any] = {"Statement": "SELECT * FROM people WHERE pk = 'a'", "Limit": 2}
    pages = 0
    while True:
        answer = ddb.execute_statement(**request)
        seen += keys(answer["Items"])
        pages += 1
        if "NextToken" not in answer:
            break
        assert answer["LastEvaluatedKey"]["pk"] == {"S": "a"}
        request["NextToken"] = answer["NextToken"]
    assert seen == [("a", "1"), ("a", "2"), ("a", "3")]
    assert pages == 2


def test_bad_next_token(ddb: Any, people: str, err: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "SELECT * FROM people", NextToken="not a token!")
    assert err(excinfo) == ("ValidationException", "Given NextToken is not valid")


def test_consistent_read_on_a_gsi_is_refused_as_query_refuses_it(
    ddb: Any, people: str, err: Any
) -> None:
    assert run(ddb, "SELECT * FROM people WHERE pk = 'b'", ConsistentRead=True)["Items"]
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "SELECT * FROM people.\"by-city\" WHERE city = 'Rome'", ConsistentRead=True)
    code, message = err(excinfo)
    assert code == "ValidationException"
    assert "Consistent reads are not supported on global secondary indexes" in message


@pytest.mark.parametrize(
    ("statement", "detail"),
    [
        ("SELEC * FROM people", "Expected data manipulation"),
        ("SELECT * FROM", "Unexpected end of statement"),
        ("SELECT FROM people", "Unexpected keyword"),
        ("SELECT * FROM people WHERE pk = 'a' pk", "Unexpected term"),
    ],
)
def test_malformed_statements(ddb: Any, people: str, err: Any, statement: str, detail: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        run(ddb, statement)
    assert err(excinfo) == ("ValidationException", MALFORMED + detail)


def test_parameter_count_must_match(ddb: Any, people: str, err: Any) -> None:
    message = "Number of parameters in request and statement don't match."
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "SELECT * FROM people WHERE pk = ?")
    assert err(excinfo) == ("ValidationException", message)
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "SELECT * FROM people WHERE pk = ?", {"S": "a"}, {"S": "b"})
    assert err(excinfo) == ("ValidationException", message)


def test_insert_and_duplicate(ddb: Any, things: str, err: Any) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'x', 'sk': ?, 'n': -1.5, 'tags': <<'b', 'a'>>, "
        "'doc': {'l': [1, null, true]}}", {"S": "1"})
    item = ddb.get_item(TableName="things", Key={"pk": {"S": "x"}, "sk": {"S": "1"}})["Item"]
    assert item["n"] == {"N": "-1.5"}
    assert sorted(item["tags"]["SS"]) == ["a", "b"]
    assert item["doc"] == {"M": {"l": {"L": [{"N": "1"}, {"NULL": True}, {"BOOL": True}]}}}
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "INSERT INTO things VALUE {'pk': 'x', 'sk': '1'}")
    assert err(excinfo) == ("DuplicateItemException", "Duplicate primary key exists in table")


def test_insert_missing_a_key_is_putitems_error(ddb: Any, things: str, err: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "INSERT INTO things VALUE {'pk': 'x'}")
    assert err(excinfo) == (
        "ValidationException",
        "One or more parameter values were invalid: Missing the key sk in the item",
    )


def test_update_set_remove_and_returning(ddb: Any, things: str, err: Any) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'u', 'sk': '1', 'n': 1, 'gone': 'x'}")
    answer = run(
        ddb,
        "UPDATE things SET n = n + ?, label = 'hi' REMOVE gone WHERE pk = 'u' AND sk = '1' "
        "RETURNING ALL NEW *",
        {"N": "2"},
    )
    assert answer["Items"] == [
        {"pk": {"S": "u"}, "sk": {"S": "1"}, "n": {"N": "3"}, "label": {"S": "hi"}}
    ]
    with pytest.raises(ClientError) as excinfo:  # UPDATE never creates an item
        run(ddb, "UPDATE things SET n = 1 WHERE pk = 'missing' AND sk = '1'")
    assert err(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")
    with pytest.raises(ClientError) as excinfo:  # a non-key condition in WHERE is a condition
        run(ddb, "UPDATE things SET n = 1 WHERE pk = 'u' AND sk = '1' AND n > 5")
    assert err(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")


def test_update_and_delete_need_the_full_key(ddb: Any, things: str, err: Any) -> None:
    message = "Where clause does not contain a mandatory equality on all key attributes"
    for statement in (
        "UPDATE things SET n = 1 WHERE pk = 'u'",
        "DELETE FROM things WHERE pk = 'u' AND sk > '1'",
        "DELETE FROM things WHERE pk = 'u' OR sk = '1'",
    ):
        with pytest.raises(ClientError) as excinfo:
            run(ddb, statement)
        assert err(excinfo) == ("ValidationException", message)


def test_delete(ddb: Any, things: str, err: Any) -> None:
    run(ddb, "INSERT INTO things VALUE {'pk': 'd', 'sk': '1', 'n': 1}")
    with pytest.raises(ClientError) as excinfo:
        run(ddb, "DELETE FROM things WHERE pk = 'd' AND sk = '1' AND n = 2")
    assert err(excinfo) == ("ConditionalCheckFailedException", "The conditional request failed")
    answer = run(ddb, "DELETE FROM things WHERE pk = 'd' AND sk = '1' RETURNING ALL OLD *")
    assert answer["Items"][0]["n"] == {"N": "1"}
    assert "Item" not in ddb.get_item(TableName="things", Key={"pk": {"S": "d"}, "sk": {"S": "1"}})
    assert run(ddb, "DELETE FROM things WHERE pk = 'd' AND sk = '1'")["Items"] == []


def test_batch_execute_statement_reads_and_writes(ddb: Any, things: str, err: Any) -> None:
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": "INSERT INTO things VALUE {'pk': 'b', 'sk': '1'}"},
        {"Statement": "INSERT INTO things VALUE {'pk': 'b', 'sk': ?}", "Parameters": [{"S": "2"}]},
        {"Statement": "INSERT INTO things VALUE {'pk': 'b', 'sk': '1'}"},
        {"Statement": "INSERT INTO nowhere VALUE {'pk': 'b', 'sk': '1'}"},
    ])["Responses"]
    assert [r.get("Error", {}).get("Code") for r in answer] == [
        None, None, "DuplicateItem", "ResourceNotFound"
    ]
    assert answer[2]["Error"]["Message"] == "Duplicate primary key exists in table"
    assert answer[0]["TableName"] == "things"
    reads = ddb.batch_execute_statement(Statements=[
        {"Statement": "SELECT * FROM things WHERE pk = 'b' AND sk = '2'"},
        {"Statement": "SELECT * FROM things WHERE pk = 'b' AND sk = '9'"},
        {"Statement": "SELECT * FROM things WHERE pk = 'b'"},
    ])["Responses"]
    assert reads[0]["Item"] == {"pk": {"S": "b"}, "sk": {"S": "2"}}
    assert "Item" not in reads[1] and "Error" not in reads[1]
    assert reads[2]["Error"] == {
        "Code": "ValidationError",
        "Message": "Where clause does not contain a mandatory equality on all key attributes",
    }
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_execute_statement(Statements=[
            {"Statement": "SELECT * FROM things WHERE pk = 'b' AND sk = '2'"},
            {"Statement": "DELETE FROM things WHERE pk = 'b' AND sk = '2'"},
        ])
    assert err(excinfo) == (
        "ValidationException", "Mixing read and write statements in a request is not supported"
    )


def test_execute_transaction_is_all_or_nothing(ddb: Any, things: str, err: Any) -> None:
    ddb.execute_transaction(TransactStatements=[
        {"Statement": "INSERT INTO things VALUE {'pk': 't', 'sk': '1', 'n': 1}"},
        {"Statement": "INSERT INTO things VALUE {'pk': 't', 'sk': '2', 'n': 2}"},
    ])
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": "UPDATE things SET n = 10 WHERE pk = 't' AND sk = '2'"},
            {"Statement": "INSERT INTO things VALUE {'pk': 't', 'sk': '1'}"},
        ])
    code, message = err(excinfo)
    assert code == "TransactionCanceledException"
    assert message.endswith("[None, DuplicateItem]")
    reasons = excinfo.value.response["CancellationReasons"]
    assert reasons[1] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    answer = ddb.execute_transaction(TransactStatements=[
        {"Statement": "SELECT n FROM things WHERE pk = 't' AND sk = '2'"},
        {"Statement": "SELECT * FROM things WHERE pk = ? AND sk = ?",
         "Parameters": [{"S": "t"}, {"S": "9"}]},
    ])
    assert answer["Responses"][0] == {"Item": {"n": {"N": "2"}}}  # the UPDATE did not happen
    assert answer["Responses"][1] == {}


def test_two_conditions_on_the_sort_key_still_answer(ddb: Any, people: str) -> None:
    # a Query cannot filter on a key attribute, so this SELECT is a Scan of the WHERE
    answer = run(ddb, "SELECT * FROM people WHERE pk = 'a' AND sk > '1' AND sk < '3'")
    assert keys(answer["Items"]) == [("a", "2")]


def test_select_on_a_multi_attribute_index(ddb: Any, make_table: Any) -> None:
    make_table("games", range_key=None, more_definitions=[("t", "S"), ("g", "S"), ("n", "N")],
               GlobalSecondaryIndexes=[{
                   "IndexName": "by-tg",
                   "KeySchema": [{"AttributeName": "t", "KeyType": "HASH"},
                                 {"AttributeName": "g", "KeyType": "HASH"},
                                 {"AttributeName": "n", "KeyType": "RANGE"}],
                   "Projection": {"ProjectionType": "ALL"}}])
    for pk, n in (("x", 3), ("y", 1), ("z", 2)):
        run(ddb, f"INSERT INTO games VALUE {{'pk': '{pk}', 't': 'W', 'g': 'EU', 'n': {n}}}")
    answer = run(ddb, 'SELECT pk FROM games."by-tg" WHERE t = \'W\' AND g = \'EU\' AND n >= 2')
    assert answer["Items"] == [{"pk": {"S": "z"}}, {"pk": {"S": "x"}}]  # Query: index order


def test_plans_query_only_when_the_where_pins_the_partition(engine: Any, people: str) -> None:
    from pyarc.tables.partiql.execute import plan_select
    from pyarc.tables.partiql.parser import parse

    def plan(statement: str) -> str:
        return plan_select(engine.store, parse(statement), {})[0]

    assert plan("SELECT * FROM people WHERE pk = 'a' AND age > 1") == "Query"
    assert plan("SELECT * FROM people.\"by-city\" WHERE city = 'Oslo'") == "Query"
    assert plan("SELECT * FROM people WHERE pk = 'a' OR age > 1") == "Scan"
    assert plan("SELECT * FROM people WHERE pk = 'a' AND sk > '1' AND sk < '3'") == "Scan"


def test_statement_counts(ddb: Any, things: str, err: Any) -> None:
    statement = {"Statement": "SELECT * FROM things WHERE pk = 'a' AND sk = 'b'"}
    with pytest.raises(ClientError) as excinfo:
        ddb.batch_execute_statement(Statements=[statement] * 26)
    assert err(excinfo) == (
        "ValidationException",
        "1 validation error detected at 'statements' failed to satisfy constraint: Member must "
        "have length less than or equal to 25",
    )
    assert len(ddb.batch_execute_statement(Statements=[statement] * 25)["Responses"]) == 25
    with pytest.raises(ClientError) as excinfo:
        ddb.execute_transaction(TransactStatements=[statement] * 101)
    assert err(excinfo)[1].endswith("Member must have length less than or equal to 100")
