"""Every pragma with its defaults and its errors (file, line, column)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

APP = "@app\nmy-app\n"


# @app ---------------------------------------------------------------------------------------
def test_missing_app_pragma(load_error: Callable) -> None:
    error = load_error("@http\nget /\n")
    assert "needs an app name" in error.message and error.line == 1


@pytest.mark.parametrize("typo", ["ap", "App", "aap"])
def test_a_misspelt_app_pragma_is_named(load_error: Callable, typo: str) -> None:
    error = load_error(f"@{typo}\nmy-app\n\n@http\nget /\n")
    assert error.message == (
        f"the manifest needs an app name: @{typo} is not a pragma pyarc knows; did you mean @app?"
    )
    assert error.line == 1


@pytest.mark.parametrize("name", ["My-app", "1app", "my app", "my.app"])
def test_bad_app_name(load_error: Callable, name: str) -> None:
    error = load_error(f'@app\n"{name}"\n')
    assert (error.line, error.column) == (2, 1)
    assert "app name" in error.message


# @aws and config.arc -------------------------------------------------------------------------
def test_aws_defaults(load_app: Callable) -> None:
    inv = load_app(APP)
    assert (inv.aws.region, inv.aws.apigateway, inv.aws.profile) == ("us-west-2", "http", None)
    d = inv.aws.defaults
    assert (d.runtime, d.memory, d.timeout, d.architecture, d.storage) == (
        "python3.13", 1152, 5, "arm64", 512)
    assert d.concurrency is None and d.layers == [] and d.policies == []


def test_aws_settings_apply_to_every_function(load_app: Callable) -> None:
    inv = load_app(
        APP + "@aws\nregion eu-west-1\nprofile work\napigateway httpv1\nruntime python3.12\n"
        "memory 256\ntimeout 30\narchitecture x86_64\nstorage 1024\nconcurrency 3\n"
        "layers\n  arn:l1\n  arn:l2\npolicy arn:p1\n@events\nhit\n"
    )
    assert (inv.aws.region, inv.aws.profile, inv.aws.apigateway) == ("eu-west-1", "work",
                                                                      "httpv1")
    c = inv.events[0].function.config
    assert (c.runtime, c.memory, c.timeout, c.architecture, c.storage, c.concurrency) == (
        "python3.12", 256, 30, "x86_64", 1024, 3)
    assert c.layers == ["arn:l1", "arn:l2"] and c.policies == ["arn:p1"]


def test_config_arc_overrides_aws(load_app: Callable) -> None:
    inv = load_app(
        APP + "@aws\nmemory 256\ntimeout 30\npolicies arn:a\n@http\nget /\nget /other\n",
        {"src/http/get-index/config.arc":
         "@aws\ntimeout 60\nhandler app.main\npolicies arn:b\nruntime python\n"},
    )
    index, other = (inv.function("http:get-index"), inv.function("http:get-other"))
    assert (index.config.timeout, index.config.memory, index.config.runtime) == (
        60, 256, "python3.13")
    assert index.config.policies == ["arn:a", "arn:b"]
    assert index.handler == "app.main"
    assert (other.config.timeout, other.config.handler) == (30, None)


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("memory 64", "use 128 to 10240"),
        ("memory 10241", "use 128 to 10240"),
        ("timeout 0", "use 1 to 900"),
        ("timeout 901", "use 1 to 900"),
        ("storage 511", "use 512 to 10240"),
        ("architecture arm", "use arm64 or x86_64"),
        ("memory lots", "whole number"),
        ("timeout 1.5", "whole number"),
        ("concurrency -1", "0 or more"),
        ("apigateway graphql", "apigateway 'graphql'"),
        ("handler nodots", "module.function"),
    ],
)
def test_aws_validation(load_error: Callable, line: str, words: str) -> None:
    error = load_error(APP + f"@aws\nregion us-east-1\n{line}\n")
    assert (error.file, error.line, error.column) == ("app.arc", 5, 1)
    assert words in error.message


def test_config_arc_errors_name_that_file(load_error: Callable) -> None:
    error = load_error(APP + "@http\nget /\n",
                       {"src/http/get-index/config.arc": "@aws\n\ntimeout 1000\n"})
    assert (error.file, error.line) == ("src/http/get-index/config.arc", 3)
    assert "use 1 to 900" in error.message


def test_unknown_aws_key_warns(load_app: Callable) -> None:
    inv = load_app(APP + "@aws\nfoo bar\n")
    assert any("@aws foo" in w and "app.arc:4:1" in w for w in inv.warnings)


# @ws -----------------------------------------------------------------------------------------
def test_ws_always_has_builtin_routes(load_app: Callable) -> None:
    inv = load_app(APP + "@ws\n")
    assert [(r.name, r.route_key) for r in inv.ws] == [
        ("connect", "$connect"), ("default", "$default"), ("disconnect", "$disconnect")]
    assert inv.ws[0].function.src == inv.cwd / "src/ws/connect"


def test_ws_dollar_names_normalised_and_custom_actions(load_app: Callable) -> None:
    inv = load_app(APP + "@ws\n$connect\nrotate\n$default\n")
    assert [r.name for r in inv.ws] == ["connect", "default", "disconnect", "rotate"]
    assert inv.ws[3].route_key == "rotate"
    assert inv.ws[3].function.src == inv.cwd / "src/ws/rotate"


def test_ws_duplicate(load_error: Callable) -> None:
    error = load_error(APP + "@ws\nconnect\n$connect\n")
    assert (error.line, "twice") == (5, "twice") and "twice" in error.message


def test_no_ws_pragma_means_no_ws(load_app: Callable) -> None:
    assert load_app(APP).ws == []


# @tables / @tables-indexes / @tables-streams ---------------------------------------------------
TABLES = APP + """@tables
data
  scopeID *String
  dataID **Number
  expires TTL
  stream true
  pitr true
  encrypt true
plain
  id *
"""


def test_tables_keys_and_flags(load_app: Callable) -> None:
    inv = load_app(TABLES)
    data, plain = inv.tables
    assert (data.partition_key, data.partition_key_type) == ("scopeID", "String")
    assert (data.sort_key, data.sort_key_type) == ("dataID", "Number")
    assert (data.ttl, data.stream, data.pitr, data.encrypt) == ("expires", True, True, True)
    assert (plain.partition_key, plain.partition_key_type, plain.sort_key) == ("id", "String",
                                                                               None)
    assert (plain.stream, plain.pitr, plain.encrypt, plain.ttl) == (False, False, False, None)
    assert data.physical_name("my-app") == "my-app-staging-data"
    # `stream true` creates a stream function (Architect's shortcut)
    (stream,) = inv.streams
    assert (stream.name, stream.table) == ("data", "data")
    assert stream.function.src == inv.cwd / "src/tables-streams/data"


def test_indexes_default_names_projection(load_app: Callable) -> None:
    inv = load_app(TABLES + "@tables-indexes\ndata\n  email *String\ndata\n  email *String\n"
                   "  created **Number\n  projection keys\ndata\n  kind *String\n  name byKind\n"
                   "  projection title body\n")
    names = [(i.name, i.projection) for i in inv.table("data").indexes]
    assert names == [("email-index", "all"), ("email-created-index", "keys"),
                     ("byKind", ["title", "body"])]
    assert inv.table("data").indexes[1].sort_key_type == "Number"


def test_tables_streams_pragma(load_app: Callable) -> None:
    inv = load_app(APP + "@tables\nplain\n  id *String\n@tables-streams\nplain\nwatcher\n"
                   "  table plain\n  src lib/watch\n")
    assert [(s.name, s.table) for s in inv.streams] == [("plain", "plain"), ("watcher", "plain")]
    assert inv.streams[1].function.src == inv.cwd / "lib/watch"
    assert inv.table("plain").stream is True


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("data\n  other String\n", 5, "not understood"),
        ("data\n  sk **String\n", 4, "needs a partition key"),
        ("data\n  a *String\n  b *String\n", 6, "two partition keys"),
        ("data\n  a *Boolean\n", 5, "unknown type"),
        ("ab\n  id *String\n", 4, "DynamoDB needs 3 to 255"),
        ("data\n  id *String\ndata\n  id *String\n", 6, "declared twice"),
        ("data\n  id *String\n  stream yes\n", 6, "true or false"),
        ("data\n  id *String\n  encrypt maybe\n", 6, "KMS key ARN"),
    ],
)
def test_table_errors(load_error: Callable, body: str, line: int, words: str) -> None:
    error = load_error(APP + "@tables\n" + body)
    assert error.line == line and words in error.message


def test_index_for_unknown_table(load_error: Callable) -> None:
    error = load_error(TABLES + "@tables-indexes\nnope\n  id *String\n")
    assert error.line == 14 and "names no table" in error.message


def test_indexes_need_tables(load_error: Callable) -> None:
    error = load_error(APP + "@tables-indexes\nx\n  id *String\n")
    assert error.line == 3 and "@tables" in error.message


# @events / @queues ---------------------------------------------------------------------------
def test_events_and_queues_defaults(load_app: Callable) -> None:
    inv = load_app(APP + "@events\nhit\nmiss\n  src lib/miss\n@queues\nwork\n")
    assert [e.name for e in inv.events] == ["hit", "miss"]
    assert inv.events[0].function.src == inv.cwd / "src/events/hit"
    assert inv.events[1].function.src == inv.cwd / "lib/miss"
    (queue,) = inv.queues
    assert (queue.fifo, queue.batch_size, queue.batch_window, queue.visibility_timeout) == (
        True, 1, 0, None)
    assert queue.function.src == inv.cwd / "src/queues/work"


def test_queue_settings_from_manifest_and_config_arc(load_app: Callable) -> None:
    inv = load_app(
        APP + "@queues\nfast\n  fifo false\n  batchSize 10\nslow\n",
        {"src/queues/slow/config.arc": "@aws\nfifo false\nbatchSize 5\nbatchWindow 20\n"
         "visibilityTimeout 90\ntimeout 60\n"},
    )
    fast, slow = inv.queues
    assert (fast.fifo, fast.batch_size) == (False, 10)
    assert (slow.fifo, slow.batch_size, slow.batch_window, slow.visibility_timeout) == (
        False, 5, 20, 90)
    assert slow.function.config.timeout == 60


def test_queue_setting_errors(load_error: Callable) -> None:
    error = load_error(APP + "@queues\nq\n  batchSize 0\n")
    assert error.line == 4 and "batchSize 0" in error.message
    error = load_error(APP + "@queues\nq\n  colour blue\n")
    assert (error.line, error.column) == (5, 3) and "'colour' is unknown" in error.message


def test_duplicate_event(load_error: Callable) -> None:
    error = load_error(APP + "@events\nhit\nhit\n")
    assert error.line == 5 and "twice" in error.message


def test_bad_event_name(load_error: Callable) -> None:
    error = load_error(APP + "@events\n'bad name'\n")
    assert error.line == 4 and "event name" in error.message


# @scheduled ----------------------------------------------------------------------------------
def test_scheduled_forms(load_app: Callable) -> None:
    inv = load_app(APP + "@scheduled\ndaily rate(1 day)\nnoon cron(0 12 * * ? *)\n"
                   "paris\n  cron 0 9 ? * MON-FRI *\n  timezone Europe/Paris\n"
                   "often\n  rate 5 minutes\nonce at(2027-01-31T09:30:00)\n")
    got = [(s.name, s.expression, s.timezone) for s in inv.scheduled]
    assert got == [("daily", "rate(1 day)", None), ("noon", "cron(0 12 * * ? *)", None),
                   ("paris", "cron(0 9 ? * MON-FRI *)", "Europe/Paris"),
                   ("often", "rate(5 minutes)", None),
                   ("once", "at(2027-01-31T09:30:00)", None)]
    assert inv.scheduled[0].function.src == inv.cwd / "src/scheduled/daily"


@pytest.mark.parametrize(
    ("item", "words"),
    [
        ("x rate(1 days)", "the unit is singular: rate(1 day)"),
        ("x rate(5 minute)", "the unit is plural: rate(5 minutes)"),
        ("x rate(0 minutes)", "positive whole number"),
        ("x rate(5 weeks)", "minutes, hours or days"),
        ("x rate(5)", "rate(value unit)"),
        ("x cron(0 12 * * *)", "has 5 fields; a cron has 6"),
        ("x cron(0 12 * * 1 *)", "must be '?'"),
        ("x cron(0 25h * * ? *)", "hours value"),
        ("x cron(99 12 ? * MON *)", "minutes value 99 is outside 0-59"),
        ("x cron(0 12 ? * ? *)", "exactly one of day-of-month and day-of-week"),
        ("x cron(0 12 30 FEB-JAN ? *)", "month range FEB-JAN runs backwards"),
        ("x at(2027-02-30T09:00:00)", "at(yyyy-mm-ddThh:mm:ss)"),
        ("x every day", "must be rate(value unit), cron(6 fields) or at("),
        ("x\n  rate 1 day\n  cron 0 12 * * ? *", "both rate and cron"),
        ("x\n  timezone UTC", "needs a schedule"),
        ("x\n  rate 1 day\n  timezone Mars/Base", "timezone 'Mars/Base'"),
    ],
)
def test_scheduled_errors(load_error: Callable, item: str, words: str) -> None:
    error = load_error(APP + "@scheduled\n" + item + "\n")
    assert (error.line, error.column) == (4, 1)
    assert words in error.message


# @static -------------------------------------------------------------------------------------
def test_static_implied_by_http(load_app: Callable) -> None:
    inv = load_app(APP + "@http\nget /\n")
    assert inv.static is not None
    assert (inv.static.folder, inv.static.fingerprint, inv.static.spa, inv.static.prefix) == (
        "public", False, False, None)


def test_no_static_without_http(load_app: Callable) -> None:
    assert load_app(APP).static is None


def test_static_settings(load_app: Callable) -> None:
    inv = load_app(APP + "@static\nfolder dist\nfingerprint true\nspa true\nprefix /assets/\n"
                   "ignore\n  .DS_Store\n  tmp\nstaging my-bucket\n")
    s = inv.static
    assert s is not None
    assert (s.folder, s.fingerprint, s.spa, s.prefix, s.ignore, s.staging) == (
        "dist", True, True, "assets", [".DS_Store", "tmp"], "my-bucket")


def test_static_fingerprint_external_and_disabled(load_app: Callable) -> None:
    inv = load_app(APP + "@static\nfingerprint external\n")
    assert inv.static is not None and inv.static.fingerprint == "external"
    assert load_app(APP + "@http\nget /\n@static\nfalse\n").static is None


def test_static_folder_outside_app(load_error: Callable) -> None:
    error = load_error(APP + "@static\nfolder ../elsewhere\n")
    assert "inside the app" in error.message and error.line == 3


# @cdn @proxy @shared @views, unknown pragmas -------------------------------------------------
def test_cdn_proxy_shared_views(load_app: Callable) -> None:
    inv = load_app(APP + "@cdn\n@proxy\ntesting http://localhost:8080\n"
                   "production https://example.com\n@shared\nsrc lib/shared\n",
                   {"src/views/base.py": ""})
    assert inv.cdn is not None and inv.cdn.enabled
    assert inv.proxy == {"testing": "http://localhost:8080", "production": "https://example.com"}
    assert inv.shared == [inv.cwd / "lib/shared"]
    assert inv.views == [inv.cwd / "src/views"]


def test_nothing_optional_when_absent(load_app: Callable) -> None:
    inv = load_app(APP)
    assert (inv.cdn, inv.proxy, inv.shared, inv.views, inv.static) == (None,) * 5
    assert inv.http == inv.tables == inv.events == inv.queues == inv.scheduled == []


def test_proxy_errors(load_error: Callable) -> None:
    assert "not an environment" in load_error(APP + "@proxy\ndev http://x\n").message
    assert "http:// or https://" in load_error(APP + "@proxy\ntesting ftp://x\n").message


def test_unknown_pragmas_are_kept_and_warned(load_app: Callable) -> None:
    inv = load_app(APP + "@bogus\nthing\n@plugins\nfoo\n")
    assert inv.unknown_pragmas == ["bogus"]
    assert any("@bogus" in w and "app.arc:3:1" in w for w in inv.warnings)


@pytest.mark.parametrize(
    "runtime", ["nodejs18.x", "node18", "ruby3.3", "python2.7", "python3.8", "python3.15"]
)
def test_a_runtime_pyarc_does_not_run_is_refused(load_error: Callable, runtime: str) -> None:
    error = load_error(f"@app\nshop\n@http\nget /\n@aws\nruntime {runtime}\n")
    assert f"runtime '{runtime}' is not a runtime pyarc runs" in error.message
    # what to set follows the rule: deploy refuses the blocked runtimes, the sandbox runs them
    assert error.message.endswith(
        ": use python3.13 (or python3.12, python3.14) for Python handlers, nodejs24.x (or "
        "nodejs22.x) for JavaScript ones (python3.9, python3.10, python3.11, nodejs20.x still "
        "run in the sandbox, but Lambda no longer accepts them)"
    ), error.message
    assert error.line == 6


@pytest.mark.parametrize("runtime", ["python3.9", "python3.12", "python3.14", "nodejs22.x"])
def test_every_listed_runtime_is_accepted(load_app: Callable, runtime: str) -> None:
    inv = load_app(f"@app\nshop\n@http\nget /\n@aws\nruntime {runtime}\n")
    assert inv.aws.defaults.runtime == runtime


@pytest.mark.parametrize(
    ("runtime", "expected"),
    [("nodejs20.x", "nodejs20.x"), ("nodejs22.x", "nodejs22.x"), ("node", "nodejs24.x")],
)
def test_node_runtimes_are_accepted(load_app: Callable, runtime: str, expected: str) -> None:
    inv = load_app(f"@app\nshop\n@http\nget /\n@aws\nruntime {runtime}\n")
    config = inv.http[0].function.config
    assert config.runtime == expected and config.is_node


@pytest.mark.parametrize("runtime", ["python3.12", "python", "py"])
def test_python_runtimes_are_accepted(load_app: Callable, runtime: str) -> None:
    inv = load_app(f"@app\nshop\n@http\nget /\n@aws\nruntime {runtime}\n")
    assert inv.http[0].function.config.runtime.startswith("python3.1")


def test_a_fifo_queue_takes_at_most_ten_per_batch(load_error: Callable, load_app: Callable) -> None:
    error = load_error("@app\nshop\n@queues\njobs\n  batchSize 100\n")
    assert "FIFO queue, which takes batchSize 1 to 10, not 100" in error.message
    assert error.line == 4
    standard = load_app("@app\nshop\n@queues\njobs\n  batchSize 100\n  fifo false\n")
    assert standard.queues[0].batch_size == 100 and not standard.queues[0].fifo
