"""@tables, @tables-indexes and @tables-streams."""

from __future__ import annotations

from typing import Any

from pyarc.inventory.functions import build_function, resolve_src
from pyarc.inventory.model import KeyType, Table, TableIndex, TableStream
from pyarc.inventory.pragmas.context import Context, check_dynamodb_name, check_unique, item_name
from pyarc.inventory.source import describe
from pyarc.inventory.table_definition import table_definition

KEY_TYPES: dict[str, KeyType] = {"string": "String", "number": "Number", "binary": "Binary"}
PITR_KEYS = ("pitr", "PITR", "PointInTimeRecovery")


def _key_type(ctx: Context, pragma: str, index: int, key: str, value: str) -> KeyType:
    kind = value.lstrip("*").lower() or "string"
    if kind not in KEY_TYPES:
        ctx.source.fail(
            f"@{pragma} key '{key} {value}' has an unknown type; use *String, *Number or "
            "*Binary (** for the sort key)",
            pragma,
            index,
            key,
        )
    return KEY_TYPES[kind]


def read_tables(ctx: Context) -> list[Table]:
    tables: list[Table] = []
    names: list[tuple[str, int]] = []
    for index, item in enumerate(ctx.source.items("tables")):
        name, settings = item_name(ctx, "tables", index, item)
        check_dynamodb_name(ctx, "tables", index, name, "table name")
        table = Table(
            name=name,
            partition_key="",
            partition_key_type="String",
            location=ctx.source.location("tables", index),
        )
        for key, value in settings.items():
            _table_setting(ctx, index, table, key, value)
        if not table.partition_key:
            ctx.source.fail(
                f"@tables '{name}' needs a partition key, as in '  id *String'", "tables", index
            )
        tables.append(table)
        names.append((name, index))
    check_unique(ctx, "tables", names, "table")
    _attach_indexes(ctx, tables)
    for table in tables:
        table_definition(table)  # refuses conflicts (two types, TTL on a key) here, once
    return tables


def _table_setting(ctx: Context, index: int, table: Table, key: str, value: Any) -> None:
    text = value if isinstance(value, str) else None
    if text and text.startswith("**"):
        if table.sort_key:
            ctx.source.fail(
                f"@tables '{table.name}' has two sort keys ('{table.sort_key}' and "
                f"'{key}'); keep one",
                "tables",
                index,
                key,
            )
        table.sort_key = key
        table.sort_key_type = _key_type(ctx, "tables", index, key, text)
        table.key_locations[key] = ctx.source.location("tables", index, key)
    elif text and text.startswith("*"):
        if table.partition_key:
            ctx.source.fail(
                f"@tables '{table.name}' has two partition keys "
                f"('{table.partition_key}' and '{key}'); mark the sort key with **",
                "tables",
                index,
                key,
            )
        table.partition_key = key
        table.partition_key_type = _key_type(ctx, "tables", index, key, text)
        table.key_locations[key] = ctx.source.location("tables", index, key)
    elif text in ("TTL", "ttl"):
        table.ttl = key
        table.key_locations[key] = ctx.source.location("tables", index, key)
    elif key == "stream":
        table.stream = _bool(ctx, index, table.name, key, value)
    elif key in PITR_KEYS:
        table.pitr = _bool(ctx, index, table.name, key, value)
    elif key == "encrypt":
        if isinstance(value, bool) or isinstance(value, str) and value.startswith("arn:"):
            table.encrypt = value
        else:
            ctx.source.fail(
                f"@tables '{table.name}' encrypt must be true, false or a KMS key "
                f"ARN, not '{describe(value)}'",
                "tables",
                index,
                key,
            )
    else:
        ctx.source.fail(
            f"@tables '{table.name}' line '{key} {describe(value)}' is not understood; write "
            "'name *String' (partition key), 'name **String' (sort key), 'name TTL', "
            "'stream true', 'pitr true' or 'encrypt true'",
            "tables",
            index,
            key,
        )


def _bool(ctx: Context, index: int, table: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        ctx.source.fail(
            f"@tables '{table}' {key} must be true or false, not '{describe(value)}'",
            "tables",
            index,
            key,
        )
    return value


def _attach_indexes(ctx: Context, tables: list[Table]) -> None:
    pragma = "tables-indexes"
    if not ctx.source.has(pragma):
        return
    by_name = {t.name: t for t in tables}
    for index, item in enumerate(ctx.source.items(pragma)):
        name, settings = item_name(ctx, pragma, index, item)
        table = by_name.get(name)
        if table is None:
            ctx.source.fail(
                f"@tables-indexes '{name}' names no table; declare it under @tables first",
                pragma,
                index,
            )
        gsi = _index(ctx, index, name, settings)
        if any(i.name == gsi.name for i in table.indexes):
            ctx.source.fail(
                f"@tables-indexes '{name}' declares the index '{gsi.name}' twice; "
                "give one a different 'name'",
                pragma,
                index,
            )
        table.indexes.append(gsi)


MULTI_KEY_LIMIT = 4  # DynamoDB: up to four partition and four sort key attributes per GSI


def _index(ctx: Context, index: int, table: str, settings: dict[str, Any]) -> TableIndex:
    pragma = "tables-indexes"
    gsi = TableIndex(
        name="",
        partition_key="",
        partition_key_type="String",
        location=ctx.source.location(pragma, index),
    )
    explicit_name: str | None = None
    for key, value in settings.items():
        text = value if isinstance(value, str) else None
        if text and text.startswith("*"):
            sort = text.startswith("**")
            kind = _key_type(ctx, pragma, index, key, text)
            have = len(gsi.sort_keys if sort else gsi.partition_keys if gsi.partition_key else [])
            if have >= MULTI_KEY_LIMIT:
                ctx.source.fail(
                    f"@tables-indexes '{table}' has more than {MULTI_KEY_LIMIT} "
                    f"{'sort' if sort else 'partition'} keys; a DynamoDB index takes up to "
                    f"{MULTI_KEY_LIMIT} of each",
                    pragma,
                    index,
                    key,
                )
            if sort and gsi.sort_key:
                gsi.more_sort_keys.append((key, kind))
            elif sort:
                gsi.sort_key, gsi.sort_key_type = key, kind
            elif gsi.partition_key:
                gsi.more_partition_keys.append((key, kind))
            else:
                gsi.partition_key, gsi.partition_key_type = key, kind
            gsi.key_locations[key] = ctx.source.location(pragma, index, key)
        elif key.lower() == "name":
            explicit_name = describe(value)
            check_dynamodb_name(ctx, pragma, index, explicit_name, "index name")
        elif key.lower() == "projection":
            gsi.projection = _projection(value)
        else:
            ctx.source.fail(
                f"@tables-indexes '{table}' line '{key} {describe(value)}' is not understood; "
                "write 'attr *String', 'attr **String', 'name indexName' or 'projection all|keys|"
                "attr...'",
                pragma,
                index,
                key,
            )
    if not gsi.partition_key:
        ctx.source.fail(
            f"@tables-indexes '{table}' needs a partition key, as in '  email *String'",
            pragma,
            index,
        )
    gsi.name = explicit_name or default_index_name(
        "-".join(name for name, _ in gsi.partition_keys),
        "-".join(name for name, _ in gsi.sort_keys) or None,
    )
    return gsi


def _projection(value: Any) -> str | list[str]:
    if isinstance(value, str) and value.lower() in ("all", "keys"):
        return value.lower()
    return [describe(v) for v in (value if isinstance(value, list) else [value])]


def default_index_name(partition_key: str, sort_key: str | None) -> str:
    """Architect's default GSI name: `<pk>-index` or `<pk>-<sk>-index` (several key
    attributes are joined with `-`: `<pk1>-<pk2>-<sk1>-index`)."""
    return f"{partition_key}-{sort_key}-index" if sort_key else f"{partition_key}-index"


def read_streams(ctx: Context, tables: list[Table]) -> list[TableStream]:
    """@tables-streams entries, plus `stream true` tables without one (Architect's shortcut)."""
    pragma = "tables-streams"
    by_name = {t.name: t for t in tables}
    streams: list[TableStream] = []
    names: list[tuple[str, int]] = []
    for index, item in enumerate(ctx.source.items(pragma)):
        name, settings = item_name(ctx, pragma, index, item)
        table_name = describe(settings.get("table", name))
        table = by_name.get(table_name)
        if table is None:
            ctx.source.fail(
                f"@tables-streams '{name}' streams the table '{table_name}', which "
                "is not under @tables; declare it there",
                pragma,
                index,
            )
        table.stream = True
        location = ctx.source.location(pragma, index)
        function, _ = build_function(
            kind="tables-streams",
            name=name,
            src=resolve_src(ctx.cwd, f"src/tables-streams/{name}", settings.get("src")),
            defaults=ctx.defaults,
            location=location,
            app_source=ctx.source,
        )
        streams.append(
            TableStream(name=name, table=table_name, function=function, location=location)
        )
        names.append((name, index))
    check_unique(ctx, pragma, names, "stream")
    streamed = {s.table for s in streams}
    for table in tables:
        if table.stream and table.name not in streamed:
            legacy = ctx.cwd / "src" / "tables" / table.name
            default = (
                f"src/tables/{table.name}"
                if legacy.is_dir()
                else f"src/tables-streams/{table.name}"
            )
            function, _ = build_function(
                kind="tables-streams",
                name=table.name,
                src=resolve_src(ctx.cwd, default, None),
                defaults=ctx.defaults,
                location=table.location,
                app_source=ctx.source,
            )
            streams.append(
                TableStream(
                    name=table.name, table=table.name, function=function, location=table.location
                )
            )
    return streams
