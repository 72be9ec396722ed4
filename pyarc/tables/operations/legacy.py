"""The legacy `KeyConditions` form of Query, read as the KeyConditionExpression it means.

`{"a": {"ComparisonOperator": "EQ", "AttributeValueList": [v]}}` becomes `#k0 = :k0`, so
one parser and one planner serve both forms (single and multi-attribute keys alike).
"""

from __future__ import annotations

from typing import Any

from pyarc.tables.errors import invalid_params, validation

EXPRESSION_FIELDS = (
    "KeyConditionExpression", "FilterExpression", "ProjectionExpression",
    "ExpressionAttributeNames", "ExpressionAttributeValues",
)
# operator -> (number of values, expression template over the name and value placeholders)
OPERATORS = {
    "EQ": (1, "{n} = {v0}"),
    "LT": (1, "{n} < {v0}"),
    "LE": (1, "{n} <= {v0}"),
    "GT": (1, "{n} > {v0}"),
    "GE": (1, "{n} >= {v0}"),
    "BEGINS_WITH": (1, "begins_with({n}, {v0})"),
    "BETWEEN": (2, "{n} BETWEEN {v0} AND {v1}"),
}


def with_key_condition_expression(request: dict[str, Any]) -> dict[str, Any]:
    """A copy of a `KeyConditions` Query request that says the same with an expression."""
    used = [f for f in EXPRESSION_FIELDS if request.get(f) is not None]
    if used:
        raise validation(
            "Can not use both expression and non-expression parameters in the same request: "
            f"Non-expression parameters: {{KeyConditions}} Expression parameters: {{{', '.join(used)}}}"
        )
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    parts = []
    for position, (attribute, condition) in enumerate(request["KeyConditions"].items()):
        operator = condition.get("ComparisonOperator")
        if operator not in OPERATORS:
            raise validation("Query key condition not supported")
        count, template = OPERATORS[operator]
        given = condition.get("AttributeValueList") or []
        if len(given) != count:
            raise invalid_params(
                f"Invalid number of argument(s) for the {operator} ComparisonOperator"
            )
        name = f"#k{position}"
        names[name] = attribute
        marks = {}
        for index, value in enumerate(given):
            mark = f":k{position}_{index}"
            values[mark] = value
            marks[f"v{index}"] = mark
        parts.append(template.format(n=name, **marks))
    if not parts:
        raise validation(
            "Either the KeyConditions or KeyConditionExpression parameter must be specified in "
            "the request."
        )
    translated = {k: v for k, v in request.items() if k != "KeyConditions"}
    translated["KeyConditionExpression"] = " AND ".join(parts)
    translated["ExpressionAttributeNames"] = names
    translated["ExpressionAttributeValues"] = values
    return translated
