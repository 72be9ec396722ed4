"""@http: methods, path rules, route keys, source dirs, verbose src, ordering."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pyarc.errors import ManifestError
from pyarc.inventory.functions import lambda_dir_name, missing_handler


@pytest.mark.parametrize(
    ("method", "path", "name"),
    [
        ("get", "/", "get-index"),
        ("get", "/things", "get-things"),
        ("get", "/things/:id", "get-things-000id"),
        ("get", "/api/*", "get-api-catchall"),
        ("any", "/*", "any-catchall"),
        ("post", "/some-thing", "post-some_thing"),
        ("delete", "/file.json", "delete-file_json"),
        ("put", "/a_b/:c-d", "put-a_b-000c_d"),
    ],
)
def test_lambda_dir_names(method: str, path: str, name: str) -> None:
    assert lambda_dir_name(method, path) == name


def test_routes_keys_sources_and_defaults(load_app: Callable) -> None:
    inv = load_app("@app\nmy-app\n@http\nget /\nget /things/:id\nANY /api/*\n")
    by_key = {r.route_key: r for r in inv.http}
    assert set(by_key) == {"GET /", "GET /things/{id}", "ANY /api/{proxy+}"}
    route = by_key["GET /things/{id}"]
    assert route.method == "get" and route.path == "/things/:id"
    assert route.function.src == inv.cwd / "src/http/get-things-000id"
    assert route.function.key == "http:get-things-000id"
    assert by_key["ANY /api/{proxy+}"].method == "any"
    config = route.function.config
    assert (config.runtime, config.memory, config.timeout, config.architecture) == (
        "python3.13", 1152, 5, "arm64")
    assert route.location is not None and route.location.line == 5


def test_verbose_route_with_custom_src(load_app: Callable) -> None:
    inv = load_app("@app\nx\n@http\n/things\n  method post\n  src lib/things\n")
    (route,) = inv.http
    assert (route.method, route.path) == ("post", "/things")
    assert route.function.src == inv.cwd / "lib/things"
    assert route.function.name == "post-things"


def test_route_order_static_params_catchall(load_app: Callable) -> None:
    inv = load_app(
        "@app\nx\n@http\nget /*\nget /:slug\nget /about\nget /\nget /things/:id\n"
        "get /things/new\npost /things\nany /api/*\n"
    )
    order = [f"{r.method} {r.path}" for r in inv.http]
    assert order.index("get /things/new") < order.index("get /things/:id")
    assert order.index("get /about") < order.index("get /:slug") < order.index("get /*")
    assert order.index("get /") < order.index("get /*")
    # API Gateway precedence: the most specific path wins whatever the method
    assert order.index("any /api/*") < order.index("get /*")
    assert order.index("post /things") < order.index("get /things/:id")
    assert order[-1] == "get /*"


def test_handler_file_detection(load_app: Callable) -> None:
    inv = load_app(
        "@app\nx\n@http\nget /\nget /a\nget /b\n",
        {"src/http/get-index/handler.py": "", "src/http/get-index/index.py": "",
         "src/http/get-a/index.py": ""},
    )
    handlers = {r.path: r.function.handler for r in inv.http}
    assert handlers == {"/": "handler.handler", "/a": "index.handler", "/b": "lambda.handler"}



def test_node_handler_files_follow_lambdas_order(load_app: Callable) -> None:
    """index.js before index.mjs before index.cjs, as Lambda's Node runtime loads them; a
    handler set in config.arc names the module; a Python file is not a Node handler."""
    inv = load_app(
        "@app\nx\n@aws\nruntime nodejs20.x\n@http\nget /\nget /a\nget /b\nget /c\n",
        {"src/http/get-index/index.mjs": "", "src/http/get-index/index.cjs": "",
         "src/http/get-a/index.cjs": "", "src/http/get-b/lambda.py": "",
         "src/http/get-c/app.mjs": "", "src/http/get-c/config.arc": "@aws\nhandler app.main\n"},
    )
    found = {r.path: r.function.handler_file for r in inv.http}
    assert {path: f.name if f else None for path, f in found.items()} == {
        "/": "index.mjs", "/a": "index.cjs", "/b": None, "/c": "app.mjs"
    }
    handlers = {r.path: r.function.handler for r in inv.http}
    assert handlers == {"/": "index.handler", "/a": "index.handler", "/b": "index.handler",
                        "/c": "app.main"}


def test_a_missing_node_handler_names_the_js_files(load_app: Callable) -> None:
    inv = load_app("@app\nx\n@aws\nruntime nodejs22.x\n@http\nget /\n",
                   {"src/http/get-index/README": ""})
    message = missing_handler(inv.http[0].function, inv.cwd)
    assert message is not None
    assert "has no handler file (index.js, index.mjs or index.cjs)" in message
    assert "src/http/get-index/index.js exporting `handler`" in message

@pytest.mark.parametrize(
    ("route", "column", "words"),
    [
        ("fetch /", 1, "method 'fetch'"),
        ("get things", 1, "must start with '/'"),
        ("get /things/", 1, "cannot end with '/'"),
        ("get /a//b", 1, "'//'"),
        ("get /a-", 1, "cannot end with '-'"),
        ("get /a b", 1, "method and a path"),
        ("get /a/:", 1, ":param"),
        ("get /a/b:c", 1, "can only start a path part"),
        ("get /a/*/b", 1, "last part"),
        ("get /a/%20", 1, "'%'"),
        ("get /_pyarc", 1, "paths under /_pyarc/ belong to the sandbox"),
        ("post /_pyarc/things", 1, "its inspector page"),
        ("any /_pyarc/*", 1, "choose another path"),
    ],
)
def test_invalid_routes(load_error: Callable, route: str, column: int, words: str) -> None:
    error: ManifestError = load_error(f"@app\nx\n@http\nget /\n{route}\n")
    assert (error.file, error.line, error.column) == ("app.arc", 5, column)
    assert words in error.message


def test_duplicate_route(load_error: Callable) -> None:
    error = load_error("@app\nx\n@http\nget /a\npost /a\nGET /a\n")
    assert (error.line, error.column) == (6, 1)
    assert "declared twice (first on line 4)" in error.message


def test_missing_handler_dir_is_not_an_error(load_app: Callable) -> None:
    inv = load_app("@app\nx\n@http\nget /nothing-here\n")
    assert not inv.http[0].function.src.exists()
    assert inv.http[0].function.handler_file is None
