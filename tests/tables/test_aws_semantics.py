"""AWS behaviours checked against DynamoDB's documented or observed answers (review fixes).

Each test pins one place where the engine used to differ from DynamoDB: REMOVE on a path
whose parent is missing, list indexes in one update, conflicting paths, operand types
checked while parsing, BETWEEN bounds, redundant parentheses, distinct operands,
attribute_type/size on values, and local secondary indexes reading unprojected attributes.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pyarc.tables.errors import DETECTED  # PutItem/UpdateItem/DeleteItem count request errors

KEY = {"pk": {"S": "a"}, "sk": {"S": "1"}}
INVALID_PATH = "The document path provided in the update expression is invalid for update"


def put(ddb, table, **attributes):
    ddb.put_item(TableName=table, Item={**KEY, **attributes})


def update(ddb, table, expression, values=None, key=KEY, **extra):
    kwargs = {"TableName": table, "Key": key, "UpdateExpression": expression, **extra}
    if values:
        kwargs["ExpressionAttributeValues"] = values
    return ddb.update_item(ReturnValues="ALL_NEW", **kwargs).get("Attributes")


def failure(ddb, table, expression, values=None, **extra):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, table, expression, values, **extra)
    error = excinfo.value.response["Error"]
    return error["Code"], error["Message"]


N = {"N": "1"}


@pytest.mark.parametrize("expression", ["REMOVE s.c", "REMOVE l.c", "REMOVE nope.c", "REMOVE s[0]",
                                        "REMOVE nope[0]"])
def test_remove_under_a_missing_or_scalar_parent_is_invalid(ddb, things, expression):
    put(ddb, things, s={"S": "hello"}, l={"L": [{"S": "hi"}]})
    assert failure(ddb, things, expression) == ("ValidationException", INVALID_PATH)


def test_remove_of_a_missing_leaf_is_a_no_op_and_a_missing_item_is_ignored(ddb, things):
    put(ddb, things, m={"M": {"x": N}}, l={"L": [N]})
    assert update(ddb, things, "REMOVE m.y, l[7], gone")["m"] == {"M": {"x": N}}
    other = {"pk": {"S": "b"}, "sk": {"S": "1"}}
    assert update(ddb, things, "REMOVE x.y", key=other) == {**other}


def test_several_appends_to_one_list_go_in_index_order(ddb, things):
    put(ddb, things, a={"L": [{"S": "one"}, {"S": "two"}]})
    item = update(ddb, things, "SET a[84] = :a1, a[37] = :a2, a[17] = :a3, a[50] = :a4",
                  {f":a{i}": {"S": f"a{i}"} for i in range(1, 5)})
    assert [v["S"] for v in item["a"]["L"]] == ["one", "two", "a3", "a2", "a4", "a1"]


def test_list_indexes_refer_to_the_list_before_the_update(ddb, things):
    put(ddb, things, a={"L": [{"N": str(n)} for n in range(6)]})
    # REMOVE a[1] does not renumber: a[3] is the original fourth element, and a[6] (past the
    # end of the original list) appends rather than removing what a SET appended
    item = update(ddb, things, "REMOVE a[1], a[6] SET a[3] = :x, a[9] = :y",
                  {":x": {"N": "30"}, ":y": {"N": "90"}})
    assert [v["N"] for v in item["a"]["L"]] == ["0", "2", "30", "4", "5", "90"]


@pytest.mark.parametrize(("expression", "one", "two"), [
    ("SET a.b = :v, a[1] = :w", "[a, b]", "[a, [1]]"),
    ("SET a.b.c = :v, a.b[2] = :w", "[a, b, c]", "[a, b, [2]]"),
])
def test_paths_that_name_and_index_the_same_parent_conflict(ddb, things, expression, one, two):
    assert failure(ddb, things, expression, {":v": N, ":w": N}) == (
        "ValidationException",
        DETECTED + "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
        f"rewrite one of these paths; path one: {one}, path two: {two}",
    )


def test_function_arguments_cannot_be_sums(ddb, things):
    code, message = failure(ddb, things, "SET c = if_not_exists(c, :a + :b)", {":a": N, ":b": N})
    assert (code, message) == ("ValidationException",
                               DETECTED + 'Invalid UpdateExpression: Syntax error; token: "+", near: ":a +"')


@pytest.mark.parametrize(("expression", "values", "operator", "kind"), [
    ("SET a = list_append(:l, :s)", {":l": {"L": []}, ":s": {"S": "hi"}}, "list_append", "S"),
    ("SET a = :s + :n", {":n": N, ":s": {"S": "hi"}}, "+", "S"),
    ("SET a = b - :l", {":l": {"L": []}}, "-", "L"),
])
def test_value_operands_of_the_wrong_type_fail_before_the_condition(ddb, things, expression, values,
                                                                    operator, kind):
    # the condition would fail too; AWS rejects the expression first
    assert failure(ddb, things, expression, values, ConditionExpression="attribute_exists(pk)") == (
        "ValidationException",
        DETECTED + "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        f"operator or function: {operator}, operand type: {kind}",
    )


def test_between_bounds_are_checked_before_reading_the_item(ddb, things):
    # no item exists, so a late check would answer ConditionalCheckFailedException
    assert failure(ddb, things, "SET z = :lo", {":lo": {"N": "5"}, ":hi": N},
                   ConditionExpression="a BETWEEN :lo AND :hi") == (
        "ValidationException",
        DETECTED + "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than "
        "or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
        "operand: AttributeValue: {N:1}",
    )
    assert failure(ddb, things, "SET z = :lo", {":lo": {"N": "5"}, ":hi": {"S": "x"}},
                   ConditionExpression="a BETWEEN :lo AND :hi")[1] == (
        DETECTED + "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and "
        "upper bounds; lower bound operand: AttributeValue: {N:5}, upper bound operand: "
        "AttributeValue: {S:x}"
    )


def test_between_bounds_in_a_filter_name_the_filter(ddb, things):
    with pytest.raises(ClientError) as excinfo:
        ddb.scan(TableName=things, FilterExpression="a BETWEEN :lo AND :hi",
                 ExpressionAttributeValues={":lo": {"N": "5"}, ":hi": N})
    assert excinfo.value.response["Error"]["Message"].startswith(
        "Invalid FilterExpression: The BETWEEN operator requires upper bound"
    )


@pytest.mark.parametrize("condition", ["((a = :v))", "NOT ((a = :v))", "b = :v AND ((a = :v))"])
def test_redundant_parentheses_are_rejected(ddb, things, condition):
    assert failure(ddb, things, "SET z = :v", {":v": N}, ConditionExpression=condition) == (
        "ValidationException", DETECTED + "Invalid ConditionExpression: The expression has redundant parentheses;"
    )


def test_needed_parentheses_are_accepted(ddb, things):
    put(ddb, things, a=N, b=N)
    item = update(ddb, things, "SET z = :v", {":v": N},
                  ConditionExpression="((a = :v) AND (b = :v)) OR (NOT (a <> :v))")
    assert item["z"] == N


@pytest.mark.parametrize(("condition", "operator"), [
    ("a = a", "="), ("contains(a, a)", "contains"), ("begins_with(a.b, a.b)", "begins_with"),
])
def test_the_same_path_on_both_sides_is_rejected(ddb, things, condition, operator):
    first = "[a, b]" if "." in condition else "[a]"
    assert failure(ddb, things, "SET z = :v", {":v": N}, ConditionExpression=condition) == (
        "ValidationException",
        DETECTED + "Invalid ConditionExpression: The first operand must be distinct from the remaining "
        f"operands for this operator or function; operator: {operator}, first operand: {first}",
    )


def test_attribute_type_accepts_a_value_but_its_type_must_be_a_value(ddb, things):
    put(ddb, things, a=N, b={"S": "N"})
    item = update(ddb, things, "SET z = :v", {":v": N, ":t": {"S": "N"}},
                  ConditionExpression="attribute_type(:v, :t)")
    assert item["z"] == N
    code, message = failure(ddb, things, "SET z = :v", {":v": N},
                            ConditionExpression="attribute_type(a, b)")
    assert code == "ValidationException"
    assert message.startswith(DETECTED + "Invalid ConditionExpression: Incorrect operand type for operator or "
                              "function; operator or function: attribute_type, operand type: ")
    assert failure(ddb, things, "SET z = :v", {":v": N, ":t": N},
                   ConditionExpression="attribute_type(a, :t)")[1].endswith("operand type: N")


def test_size_of_a_value(ddb, things):
    put(ddb, things)
    item = update(ddb, things, "SET z = :n", {":n": {"N": "2"}, ":s": {"S": "hi"}},
                  ConditionExpression="size(:s) = :n")
    assert item["z"] == {"N": "2"}
    assert failure(ddb, things, "SET z = :n", {":n": N}, ConditionExpression="size(:n) = :n") == (
        "ValidationException",
        DETECTED + "Invalid ConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: size, operand type: N",
    )


@pytest.fixture
def lsi(ddb, make_table):
    make_table(
        "lsi", more_definitions=[("at", "S")],
        LocalSecondaryIndexes=[{
            "IndexName": "by-at",
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "at", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
    )
    for n in range(3):
        ddb.put_item(TableName="lsi", Item={"pk": {"S": "p"}, "sk": {"S": str(n)},
                                            "at": {"S": f"t{n}"}, "note": {"S": f"n{n}"}})
    return "lsi"


def test_a_local_index_fetches_unprojected_attributes_from_the_table(ddb, lsi):
    query = {"TableName": lsi, "IndexName": "by-at", "KeyConditionExpression": "pk = :p",
             "ExpressionAttributeValues": {":p": {"S": "p"}}}
    projected = ddb.query(**query)["Items"]
    assert projected[0] == {"pk": {"S": "p"}, "sk": {"S": "0"}, "at": {"S": "t0"}}
    everything = ddb.query(Select="ALL_ATTRIBUTES", **query)["Items"]
    assert everything[0]["note"] == {"S": "n0"}
    chosen = ddb.query(ProjectionExpression="note", **query)["Items"]
    assert chosen == [{"note": {"S": f"n{n}"}} for n in range(3)]
    query["ExpressionAttributeValues"][":n"] = {"S": "n1"}
    filtered = ddb.query(FilterExpression="note = :n", **query)
    assert (filtered["Count"], filtered["ScannedCount"]) == (1, 3)
