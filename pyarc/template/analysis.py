"""What a function's code uses of AWS, read from its source with `ast` (as Chalice's policy
autogen does): boto3 clients/resources and the `pyarc.functions` helpers.

The analysis never runs the code. It follows names through imports and simple assignments
(`notes = tables.table("notes")`, `sns = boto3.client("sns")`) within a module, and records
each call with its file:line. A name it cannot read (`tables.table(name)`) is a use of
*any* resource of that kind; a handle it cannot follow (passed to another function) is a
use of every data action on it. Both are reported, so `--explain-iam` shows why.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyarc.inventory.model import Function, Inventory

HELPERS = "pyarc.functions"
SKIPPED_DIRS = frozenset({"vendor", "node_modules", "__pycache__", ".venv", "tests"})
SERVICES = ("dynamodb", "sns", "sqs", "s3", "apigatewaymanagementapi")

# pyarc.functions helper -> (service, operation; None when the caller may do anything)
HELPER_CALLS: dict[str, tuple[str, str | None]] = {
    "tables.name": ("dynamodb", None),
    "events.publish": ("sns", "Publish"),
    "events.topic_arn": ("sns", None),
    "queues.publish": ("sqs", "SendMessage"),
    "queues.queue_url": ("sqs", None),
    "ws.send": ("apigatewaymanagementapi", "PostToConnection"),
    "ws.broadcast": ("apigatewaymanagementapi", "PostToConnection"),
    "ws.close": ("apigatewaymanagementapi", "DeleteConnection"),
    "ws.info": ("apigatewaymanagementapi", "GetConnection"),
    "http.session_read": ("sessions", None),
    "http.session_write": ("sessions", None),
    "http.sessions.session_read": ("sessions", None),
    "http.sessions.session_write": ("sessions", None),
}
# boto3's `dynamodb.Table` resource methods -> DynamoDB operations
TABLE_METHODS = {
    "get_item": "GetItem",
    "put_item": "PutItem",
    "update_item": "UpdateItem",
    "delete_item": "DeleteItem",
    "query": "Query",
    "scan": "Scan",
    "batch_writer": "BatchWriteItem",
    "load": "DescribeTable",
    "reload": "DescribeTable",
}
# methods boto3 adds to the S3 client on top of the service model
S3_TRANSFER = {
    "upload_file": "PutObject",
    "upload_fileobj": "PutObject",
    "download_file": "GetObject",
    "download_fileobj": "GetObject",
}


@dataclass(frozen=True)
class Use:
    """One use of AWS found in the code."""

    service: str  # dynamodb, sns, sqs, s3, apigatewaymanagementapi, or sessions
    operation: str | None  # the API operation (GetItem); None: could not tell, so any
    name: str | None  # the logical resource (table "notes"); None: any of the app's
    where: str  # "src/http/get-index/lambda.py:7"
    code: str  # the call as written, shortened
    fallback: bool = False  # code that cannot be read: Architect's shared grants stand in


@dataclass
class Handle:
    """A name bound to a table resource or a service client."""

    service: str
    name: str | None
    created: Use
    used: bool = False


def source_files(roots: Iterable[Path]) -> list[Path]:
    """The function's own .py files (not vendored or installed packages)."""
    found: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root).parts
            if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative[:-1]):
                continue
            found.append(path)
    return found


def analyse(roots: Iterable[Path], base: Path) -> list[Use]:
    """Every use in the .py files under `roots`; locations relative to `base` (the app)."""
    uses: list[Use] = []
    for path in source_files(roots):
        try:
            text = path.read_text("utf-8")
            tree = ast.parse(text, filename=str(path))
        except (OSError, SyntaxError, ValueError):
            continue  # the sandbox reports broken handlers; the template is not the place
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = str(path)
        uses += ModuleReader(shown, text).read(tree)
    return uses


@functools.cache
def operations(service: str) -> dict[str, str]:
    """boto3 method name -> API operation name, from botocore's service model."""
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model(service)
    return {xform_name(op): op for op in model.operation_names}


@dataclass
class ModuleReader:
    where: str
    text: str
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted origin
    handles: dict[str, Handle] = field(default_factory=dict)
    uses: list[Use] = field(default_factory=list)

    def read(self, tree: ast.Module) -> list[Use]:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.aliases[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        assigned: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                handle = self.handle(node.value)
                if handle is not None:
                    assigned.add(id(node.value))
                    for target in targets:
                        if isinstance(target, ast.Name):
                            self.handles[target.id] = handle
        # calls whose result is the object of a method call: `tables.table("x").get_item()`
        receivers = {
            id(node.func.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                self.call(node, assigned, receivers)
        for handle in self.handles.values():
            if not handle.used and handle.service == "table":
                self.uses.append(handle.created)  # a table handed on: any data action
        return self.uses

    # ---- names ---------------------------------------------------------------------------

    def dotted(self, node: ast.expr) -> str | None:
        """`tables.table` -> `pyarc.functions.tables.table` through this module's imports."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        origin = self.aliases.get(node.id)
        if origin is None:
            return None
        return ".".join([origin, *reversed(parts)])

    def helper(self, node: ast.expr) -> str | None:
        """`tables.table` for any spelling of a pyarc.functions helper, else None."""
        name = self.dotted(node)
        if name and name.startswith(HELPERS + "."):
            return name.removeprefix(HELPERS + ".")
        return None

    def use(self, node: ast.AST, service: str, operation: str | None, name: str | None) -> Use:
        segment = ast.get_source_segment(self.text, node) or ""
        code = " ".join(segment.split())
        code = code if len(code) <= 70 else code[:67] + "..."
        return Use(service, operation, name, f"{self.where}:{getattr(node, 'lineno', 0)}", code)

    # ---- handles: tables and clients -----------------------------------------------------

    def handle(self, call: ast.Call) -> Handle | None:
        """The table or client a call makes (`tables.table("notes")`, `boto3.client("sqs")`).

        `Handle.service` is `table`, `client:<service>` or `resource:<service>`."""
        helper = self.helper(call.func)
        if helper == "tables.table":
            name = literal(call)
            return Handle("table", name, self.use(call, "dynamodb", None, name))
        if helper == "tables.client":
            return Handle("client:dynamodb", None, self.use(call, "dynamodb", None, None))
        func = self.dotted(call.func) or ""
        if func.startswith("boto3.") and func.rsplit(".", 1)[-1] in ("client", "resource"):
            service = literal(call)
            if service in SERVICES:
                kind = func.rsplit(".", 1)[-1]
                return Handle(f"{kind}:{service}", None, self.use(call, service, None, None))
        if isinstance(call.func, ast.Attribute) and call.func.attr == "Table":
            owner = self.receiver(call.func.value)
            if owner is not None and owner.service == "resource:dynamodb":
                owner.used = True
                return Handle("table", None, self.use(call, "dynamodb", None, None))
        return None

    def receiver(self, node: ast.expr) -> Handle | None:
        if isinstance(node, ast.Name):
            return self.handles.get(node.id)
        if isinstance(node, ast.Call):
            return self.handle(node)
        return None

    # ---- calls ---------------------------------------------------------------------------

    def call(self, call: ast.Call, assigned: set[int], receivers: set[int]) -> None:
        helper = self.helper(call.func)
        if helper in HELPER_CALLS:
            service, operation = HELPER_CALLS[helper]
            name = literal(call) if service in ("dynamodb", "sns", "sqs") else None
            self.uses.append(self.use(call, service, operation, name))
            return
        if helper == "tables.table" and id(call) not in assigned | receivers:
            self.uses.append(self.use(call, "dynamodb", None, literal(call)))  # handed on
            return
        if not isinstance(call.func, ast.Attribute):
            return
        handle = self.receiver(call.func.value)
        if handle is None:
            return
        method = call.func.attr
        handle.used = True
        if handle.service == "table":
            operation = TABLE_METHODS.get(method)
            if operation is not None:
                self.uses.append(self.use(call, "dynamodb", operation, handle.name))
        elif handle.service.startswith("client:"):
            service = handle.service.removeprefix("client:")
            operation = S3_TRANSFER.get(method) if service == "s3" else None
            operation = operation or operations(service).get(method)
            if operation is not None:
                self.uses.append(self.use(call, service, operation, None))


def literal(call: ast.Call) -> str | None:
    """The first argument when it is a string literal."""
    if call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str):
        return call.args[0].value
    return None


def code_roots(inventory: Inventory, fn: Function) -> list[Path]:
    """What goes into the function's package as code: its folder, @shared, @views (http)."""
    roots = [fn.src, *(inventory.shared or [])]
    if fn.kind == "http":
        roots += inventory.views or []
    return roots


def function_uses(inventory: Inventory, fn: Function) -> list[Use]:
    """What `fn`'s code uses: its Python read with `ast`, or its JavaScript (Node.js runtimes)
    with tree-sitter (js_analysis.py). Architect's shared grants standing in for unreadable
    JavaScript leave out the services the app has none of (no @ws API, no static bucket)."""
    if not fn.config.is_node:
        return analyse(code_roots(inventory, fn), inventory.cwd)
    from pyarc.template.js_analysis import analyse_js

    lacking = {"apigatewaymanagementapi"} if not inventory.ws else set()
    lacking |= {"s3"} if inventory.deployed_static is None else set()
    uses = analyse_js(code_roots(inventory, fn), inventory.cwd)
    return [use for use in uses if not (use.fallback and use.service in lacking)]
