"""The expression language: paths, functions, update actions and AWS's error wording."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from pyarc.tables.errors import DETECTED  # PutItem/UpdateItem/DeleteItem count request errors

KEY = {"pk": {"S": "a"}, "sk": {"S": "1"}}


@pytest.fixture
def doc(ddb, things):
    ddb.put_item(
        TableName=things,
        Item={
            **KEY,
            "name": {"S": "widget"},
            "count": {"N": "5"},
            "profile": {"M": {"address": {"M": {"city": {"S": "Lyon"}}}, "tags": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}}},
            "colours": {"SS": ["red", "blue"]},
            "nums": {"NS": ["1", "2", "3"]},
            "flag": {"BOOL": True},
        },
    )
    return things


def update(ddb, table, expression, values=None, names=None, **extra):
    kwargs = {"TableName": table, "Key": KEY, "UpdateExpression": expression, **extra}
    if values:
        kwargs["ExpressionAttributeValues"] = values
    if names:
        kwargs["ExpressionAttributeNames"] = names
    return ddb.update_item(ReturnValues="ALL_NEW", **kwargs)["Attributes"]


def test_syntax_error_wording(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET v :n", {":n": {"N": "1"}})
    assert err(excinfo) == (
        "ValidationException",
        DETECTED + 'Invalid UpdateExpression: Syntax error; token: ":n", near: "v :n"',
    )
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET v =", None)
    assert err(excinfo)[1] == DETECTED + 'Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "="'


def test_reserved_word_needs_a_name_placeholder(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET name = :n", {":n": {"S": "x"}})
    assert err(excinfo)[1] == (
        DETECTED + "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: name"
    )
    got = update(ddb, doc, "SET #n = :n", {":n": {"S": "gadget"}}, {"#n": "name"})
    assert got["name"] == {"S": "gadget"}


def test_undefined_and_unused_placeholders(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET a = :missing", {":n": {"N": "1"}})
    assert err(excinfo)[1] == (
        DETECTED + "Invalid UpdateExpression: An expression attribute value used in expression is not "
        "defined; attribute value: :missing"
    )
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET a = :n", {":n": {"N": "1"}, ":extra": {"N": "2"}})
    assert err(excinfo)[1] == (
        DETECTED + "Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}"
    )
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET #a = :n", {":n": {"N": "1"}}, {"#b": "x"})
    assert "An expression attribute name used in the document path is not defined" in err(excinfo)[1]


def test_nested_paths_and_list_indexes(ddb, doc):
    got = update(
        ddb, doc, "SET profile.address.city = :c, profile.tags[1] = :t, profile.tags[9] = :end",
        {":c": {"S": "Paris"}, ":t": {"S": "Y"}, ":end": {"S": "last"}},
    )
    assert got["profile"]["M"]["address"]["M"]["city"] == {"S": "Paris"}
    assert got["profile"]["M"]["tags"]["L"] == [{"S": "x"}, {"S": "Y"}, {"S": "z"}, {"S": "last"}]
    got = update(ddb, doc, "REMOVE profile.tags[0], profile.tags[2]")
    assert got["profile"]["M"]["tags"]["L"] == [{"S": "Y"}, {"S": "last"}]


def test_invalid_document_path(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET nothing.here = :v", {":v": {"S": "x"}})
    assert err(excinfo)[1] == "The document path provided in the update expression is invalid for update"


def test_list_append_and_if_not_exists(ddb, doc):
    got = update(
        ddb, doc, "SET things_ = list_append(if_not_exists(things_, :empty), :new), seen = if_not_exists(seen, :zero) + :one",
        {":empty": {"L": []}, ":new": {"L": [{"N": "1"}]}, ":zero": {"N": "0"}, ":one": {"N": "1"}},
    )
    assert got["things_"] == {"L": [{"N": "1"}]} and got["seen"] == {"N": "1"}
    got = update(ddb, doc, "SET things_ = list_append(:front, things_)", {":front": {"L": [{"N": "0"}]}})
    assert got["things_"] == {"L": [{"N": "0"}, {"N": "1"}]}


def test_add_and_delete(ddb, doc, err):
    got = update(ddb, doc, "ADD #c :n, colours :more DELETE nums :gone",
                 {":n": {"N": "-2.5"}, ":more": {"SS": ["green", "red"]}, ":gone": {"NS": ["2"]}},
                 {"#c": "count"})
    assert got["count"] == {"N": "2.5"}
    assert sorted(got["colours"]["SS"]) == ["blue", "green", "red"]
    assert sorted(got["nums"]["NS"]) == ["1", "3"]
    got = update(ddb, doc, "DELETE nums :all", {":all": {"NS": ["1", "3"]}})
    assert "nums" not in got
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "ADD flag :s", {":s": {"S": "x"}})
    assert err(excinfo)[1] == (
        DETECTED + "Invalid UpdateExpression: Incorrect operand type for operator or function; "
        "operator: ADD, operand type: STRING"
    )


def test_arithmetic_type_errors_and_missing_operand(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET x = #n + :one", {":one": {"N": "1"}}, {"#n": "name"})
    assert err(excinfo)[1] == "An operand in the update expression has an incorrect data type"
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET x = nothing + :one", {":one": {"N": "1"}})
    assert err(excinfo)[1] == (
        "The provided expression refers to an attribute that does not exist in the item"
    )


def test_overlapping_paths_rejected(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET profile = :v REMOVE profile.tags", {":v": {"M": {}}})
    assert err(excinfo)[1] == (
        DETECTED + "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
        "rewrite one of these paths; path one: [profile], path two: [profile, tags]"
    )


def test_clause_repeated(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        update(ddb, doc, "SET a = :v SET b = :v", {":v": {"N": "1"}})
    assert 'The "SET" section can only be used once' in err(excinfo)[1]


CONDITIONS = [
    ("begins_with(#n, :p)", {":p": {"S": "wid"}}, True),
    ("begins_with(#n, :p)", {":p": {"S": "gad"}}, False),
    ("#c BETWEEN :lo AND :hi", {":lo": {"N": "1"}, ":hi": {"N": "5"}}, True),
    ("#c BETWEEN :lo AND :hi", {":lo": {"N": "6"}, ":hi": {"N": "9"}}, False),
    ("contains(colours, :c)", {":c": {"S": "red"}}, True),
    ("contains(#n, :c)", {":c": {"S": "dge"}}, True),
    ("contains(profile.tags, :c)", {":c": {"S": "y"}}, True),
    ("size(profile.tags) = :three", {":three": {"N": "3"}}, True),
    ("size(#n) > :n", {":n": {"N": "6"}}, False),
    ("attribute_type(#c, :t)", {":t": {"S": "N"}}, True),
    ("attribute_type(#c, :t)", {":t": {"S": "S"}}, False),
    ("#c IN (:a, :b)", {":a": {"N": "4"}, ":b": {"N": "5"}}, True),
    ("NOT (#c IN (:a, :b))", {":a": {"N": "4"}, ":b": {"N": "5"}}, False),
    ("attribute_exists(profile.address.city) AND flag = :t", {":t": {"BOOL": True}}, True),
    ("attribute_not_exists(profile.nope) OR #c < :z", {":z": {"N": "0"}}, True),
    ("#c <> :s", {":s": {"S": "5"}}, True),
    ("#c > :s", {":s": {"S": "1"}}, False),
    ("absent <> :s", {":s": {"S": "1"}}, True),
]


@pytest.mark.parametrize(("expression", "values", "expected"), CONDITIONS)
def test_condition_functions(ddb, doc, expression, values, expected):
    names = {k: v for k, v in {"#n": "name", "#c": "count"}.items() if k in expression}
    kwargs = {"ExpressionAttributeNames": names} if names else {}
    call = lambda: ddb.put_item(  # noqa: E731
        TableName=doc,
        Item={**KEY, "name": {"S": "widget"}, "count": {"N": "5"}, "colours": {"SS": ["red"]},
              "profile": {"M": {"address": {"M": {"city": {"S": "Lyon"}}},
                                "tags": {"L": [{"S": "x"}, {"S": "y"}, {"S": "z"}]}}},
              "flag": {"BOOL": True}},
        ConditionExpression=expression,
        ExpressionAttributeValues=values,
        **kwargs,
    )
    if expected:
        call()
    else:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert excinfo.value.response["Error"]["Code"] == "ConditionalCheckFailedException"


def test_invalid_function_and_attribute_type(ddb, doc, err):
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=doc, Item=KEY, ConditionExpression="nosuch(a)")
    assert err(excinfo)[1] == DETECTED + "Invalid ConditionExpression: Invalid function name; function: nosuch"
    with pytest.raises(ClientError) as excinfo:
        ddb.put_item(TableName=doc, Item=KEY, ConditionExpression="attribute_type(a, :t)",
                     ExpressionAttributeValues={":t": {"S": "XYZ"}})
    assert "Invalid attribute type name found; type: XYZ" in err(excinfo)[1]


def test_projection_of_nested_paths(ddb, doc):
    item = ddb.get_item(TableName=doc, Key=KEY,
                        ProjectionExpression="profile.address.city, profile.tags[2], #c",
                        ExpressionAttributeNames={"#c": "count"})["Item"]
    assert item == {
        "profile": {"M": {"address": {"M": {"city": {"S": "Lyon"}}}, "tags": {"L": [{"S": "z"}]}}},
        "count": {"N": "5"},
    }


def test_every_node_names_its_children_so_walkers_find_every_path():
    from pyarc.tables.expressions.nodes import paths_in
    from pyarc.tables.expressions.parser import ExpressionContext, parse_condition, parse_update

    values = {":a": {"N": "1"}, ":b": {"N": "2"}, ":s": {"S": "x"}}
    context = ExpressionContext({"#n": "name"}, values)
    tree = parse_condition(
        "NOT (size(a.b[1]) IN (:a, c)) OR (d BETWEEN :a AND e AND begins_with(#n, :s))",
        "FilterExpression", context,
    )  # fmt: skip
    assert [str(p) for p in paths_in(tree)] == ["[a, b, [1]]", "[c]", "[d]", "[e]", "[name]"]
    update = parse_update("SET f = g + :b, h = if_not_exists(i, :a) REMOVE j", context)
    found = [str(p) for action in update.actions for p in paths_in(action)]
    assert found == ["[f]", "[g]", "[h]", "[i]", "[j]"]


def test_a_filter_on_a_key_is_refused_wherever_the_key_hides(ddb, doc):
    with pytest.raises(ClientError) as raised:
        ddb.query(TableName=doc, KeyConditionExpression="pk = :p",
                  FilterExpression="NOT (size(sk) IN (:one, :two))",
                  ExpressionAttributeValues={":p": {"S": "a"}, ":one": {"N": "1"},
                                             ":two": {"N": "2"}})  # fmt: skip
    assert raised.value.response["Error"]["Message"] == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    )
