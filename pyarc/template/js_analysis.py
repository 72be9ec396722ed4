"""What a Node.js function's code uses of AWS, read from its JavaScript with tree-sitter's
JavaScript grammar (a real parser: comments, strings and template literals are never
mistaken for code). The counterpart of `analysis.py`, giving the same `Use`s.

It never runs the code. Within a file it follows names through `require(...)`, `import`
(default, namespace, named, dynamic `import('...')`), destructuring and plain assignments,
and reads:

- `@architect/functions`: `arc.tables()` and its tables (`data.notes.get(...)` is GetItem
  on notes; `get put delete update query scan scanAll`), `arc.events.publish({ name })`,
  `arc.queues.publish({ name })`, `arc.ws.send/close/info`, `arc.http` (sessions);
- the AWS SDK v3 clients of the services pyarc grants (`@aws-sdk/client-dynamodb`,
  `lib-dynamodb`, `client-sns`, `client-sqs`, `client-s3`,
  `client-apigatewaymanagementapi`): each `new XCommand(...)`, `paginateX(...)` and
  aggregated-client method (`new DynamoDB().getItem(...)`) is operation X on any resource of
  that kind (the SDK takes physical names, which the code cannot know literally);
- the AWS SDK v2 (`aws-sdk`): a service constructed (`new AWS.SQS()`) may do anything on it.

Whatever it cannot read is a use of everything it could reach: a table named at run time
(`data[name]`) is any table; a tables client, table, or client handed to other code is every
data action on it; `@architect/functions` itself handed on, a module named at run time
(`require(name)`) or a file that does not parse is everything Architect's shared role
grants (every table, event, queue, the connections and the static bucket). Code under
node_modules (the function's npm dependencies) is not read, as Python's installed packages
are not: declare what they need with `@aws` `tables-read`/`publish`/... in config.arc.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyarc.template.analysis import SKIPPED_DIRS, Use, operations

JS_SUFFIXES = (".js", ".mjs", ".cjs")
ARC = "@architect/functions"
ANY = "?"  # a member the code names at run time, or whatever other code may reach
FALLBACK_SERVICES = ("dynamodb", "sns", "sqs", "apigatewaymanagementapi", "s3")

# @architect/functions tables: method of a table -> DynamoDB operation
ARC_TABLE_METHODS = {
    "get": "GetItem",
    "put": "PutItem",
    "delete": "DeleteItem",
    "update": "UpdateItem",
    "query": "Query",
    "scan": "Scan",
    "scanAll": "Scan",
}
ARC_TABLE_NAMES_ONLY = {"name", "_name", "reflect"}  # give names, touch no data
ARC_CALLS: dict[str, tuple[str, str | None]] = {
    "events.publish": ("sns", "Publish"),
    "queues.publish": ("sqs", "SendMessage"),
    "ws.send": ("apigatewaymanagementapi", "PostToConnection"),
    "ws.close": ("apigatewaymanagementapi", "DeleteConnection"),
    "ws.info": ("apigatewaymanagementapi", "GetConnection"),
}
# members of @architect/functions that call no AWS API beyond discovery (granted to all)
ARC_HARMLESS = ("static", "services", "events.subscribe", "queues.subscribe", "http.helpers")
# a namespace of @architect/functions -> the service whatever else it does would use
ARC_NAMESPACES = {
    "events": "sns",
    "queues": "sqs",
    "ws": "apigatewaymanagementapi",
    "tables": "dynamodb",
    "http": "sessions",
}
SDK_V3 = {
    "@aws-sdk/client-dynamodb": "dynamodb",
    "@aws-sdk/lib-dynamodb": "dynamodb",
    "@aws-sdk/client-sns": "sns",
    "@aws-sdk/client-sqs": "sqs",
    "@aws-sdk/client-s3": "s3",
    "@aws-sdk/client-apigatewaymanagementapi": "apigatewaymanagementapi",
}
# lib-dynamodb's document commands and methods -> DynamoDB operations
DOCUMENT_OPERATIONS = {
    "Get": "GetItem",
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "BatchGet": "BatchGetItem",
    "BatchWrite": "BatchWriteItem",
    "TransactGet": "TransactGetItems",
    "TransactWrite": "TransactWriteItems",
}
SDK_CLIENT_PLUMBING = {"send", "destroy", "middlewareStack", "config"}
SDK_V2 = {  # `AWS.<Service>` of the v2 SDK -> service
    "DynamoDB": "dynamodb",
    "SNS": "sns",
    "SQS": "sqs",
    "S3": "s3",
    "ApiGatewayManagementApi": "apigatewaymanagementapi",
}
NAME_NODES = ("identifier", "shorthand_property_identifier")  # `{ arc }` in an object literal
VALUE_NODES = (*NAME_NODES, "member_expression", "subscript_expression", "call_expression",
               "new_expression")  # fmt: skip
TRANSPARENT = ("await_expression", "parenthesized_expression")
DISCARDED = ("expression_statement",)  # `await data.notes.get(key)`: its value is dropped
# where a name is bound, not used: these parents hold it as a declaration
BINDING_PARENTS = {
    "variable_declarator",
    "import_specifier",
    "import_clause",
    "namespace_import",
    "shorthand_property_identifier_pattern",
    "pair_pattern",
    "formal_parameters",
}


@functools.cache
def _parser():  # tree-sitter is loaded only when an app has Node functions
    import tree_sitter
    import tree_sitter_javascript

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def source_files(roots: Iterable[Path]) -> list[Path]:
    """The function's own .js/.mjs/.cjs files (not node_modules or hidden folders)."""
    found: list[Path] = []
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix not in JS_SUFFIXES or not path.is_file():
                continue
            relative = path.relative_to(root).parts
            if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative[:-1]):
                continue
            found.append(path)
    return found


def analyse_js(roots: Iterable[Path], base: Path) -> list[Use]:
    """Every use in the JavaScript files under `roots`; locations relative to `base`."""
    uses: list[Use] = []
    for path in source_files(roots):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = str(path)
        uses += JsModuleReader(shown, data).read()
    return uses


def imported_packages(roots: Iterable[Path], base: Path) -> dict[str, str]:
    """npm packages the JavaScript under `roots` loads by a literal name (`require('ms')`,
    `import x from '@scope/pkg/sub'`, `export ... from`): package name -> first file:line.
    Relative paths, absolute paths and `node:` builtins are not packages."""
    found: dict[str, str] = {}
    for path in source_files(roots):
        try:
            tree = _parser().parse(path.read_bytes())
        except OSError:
            continue
        try:
            shown = path.relative_to(base).as_posix()
        except ValueError:
            shown = str(path)
        for node in _walk(tree.root_node):
            if node.type in ("import_statement", "export_statement"):
                name = _string(node.child_by_field_name("source"))
            else:
                name = _module_loaded(node) or None
            package = _package_name(name) if name else None
            if package is not None:
                found.setdefault(package, f"{shown}:{node.start_point[0] + 1}")
    return found


def _package_name(specifier: str) -> str | None:
    if specifier.startswith((".", "/", "node:")) or not specifier:
        return None
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def fallback(where: str, code: str, why: str) -> list[Use]:
    """Architect's shared grants, for code whose uses cannot be read."""
    return [
        Use(service, None, None, where, f"{code} ({why})", fallback=True)
        for service in FALLBACK_SERVICES
    ]


@dataclass
class JsModuleReader:
    where: str
    data: bytes
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> path it holds
    uses: list[Use] = field(default_factory=list)

    def read(self) -> list[Use]:
        tree = _parser().parse(self.data)
        if tree.root_node.has_error:
            line = _first_error_line(tree.root_node)
            return fallback(f"{self.where}:{line}", "this file", "it does not parse")
        nodes = list(_walk(tree.root_node))
        for node in nodes:  # source order: a name is bound before the code below uses it
            self.bind(node)
        for node in nodes:
            self.inspect(node)
        return _unique(self.uses)

    # ---- bindings ------------------------------------------------------------------------

    def bind(self, node) -> None:
        if node.type == "import_statement":
            source = node.child_by_field_name("source")
            module = _string(source)
            if module is None:
                return
            for clause in (c for c in node.named_children if c.type == "import_clause"):
                for part in clause.named_children:
                    if part.type == "identifier":  # default import: the module's exports
                        self.aliases[_text(part)] = module
                    elif part.type == "namespace_import":
                        self.aliases[_text(part.named_children[0])] = module
                    elif part.type == "named_imports":
                        for spec in part.named_children:
                            name = spec.child_by_field_name("name")
                            alias = spec.child_by_field_name("alias") or name
                            self.aliases[_text(alias)] = f"{module}.{_text(name)}"
        elif node.type == "variable_declarator":
            self.bind_pattern(node.child_by_field_name("name"), node.child_by_field_name("value"))
        elif node.type == "assignment_expression":
            left = node.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                self.bind_pattern(left, node.child_by_field_name("right"))

    def bind_pattern(self, target, value) -> None:
        if target is None or value is None:
            return
        held = self.path(value)
        if held is None:
            return
        if target.type == "identifier":
            self.aliases[_text(target)] = held
        elif target.type == "object_pattern":
            for prop in target.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    self.aliases[_text(prop)] = f"{held}.{_text(prop)}"
                elif prop.type == "pair_pattern":
                    key, local = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if local is not None and local.type == "identifier":
                        self.aliases[_text(local)] = f"{held}.{_key(key)}"

    def path(self, node) -> str | None:
        """What an expression holds, as a path from a module: `@architect/functions.tables()`
        for `await arc.tables()`; None when it holds nothing the analysis follows."""
        kind = node.type
        if kind in ("await_expression", "parenthesized_expression"):
            inner = node.named_children
            return self.path(inner[-1]) if inner else None
        if kind == "identifier":
            return self.aliases.get(_text(node))
        if kind == "member_expression":
            owner = self.path(node.child_by_field_name("object"))
            prop = node.child_by_field_name("property")
            return f"{owner}.{_text(prop)}" if owner and prop is not None else None
        if kind == "subscript_expression":
            owner = self.path(node.child_by_field_name("object"))
            index = _string(node.child_by_field_name("index"))
            return f"{owner}.{index if index is not None else ANY}" if owner else None
        if kind in ("call_expression", "new_expression"):
            module = _module_loaded(node)
            if module is not None:
                return module or None  # "" is a module named at run time
            callee = node.child_by_field_name(
                "function" if kind == "call_expression" else "constructor"
            )
            held = self.path(callee) if callee is not None else None
            return f"{held}()" if held else None
        return None

    # ---- uses ----------------------------------------------------------------------------

    def inspect(self, node) -> None:
        kind = node.type
        if kind in ("call_expression", "new_expression"):
            if _module_loaded(node) == "":
                why = "a module named at run time"
                self.uses += fallback(self.location(node), self.code(node), why)
                return
            field_name = "function" if kind == "call_expression" else "constructor"
            callee = node.child_by_field_name(field_name)
            called = self.path(callee) if callee is not None else None
            if called is not None:
                self.uses += self.classify(called, node, constructed=kind == "new_expression")
        if kind in VALUE_NODES:
            held = self.aliases.get(_text(node)) if kind in NAME_NODES else self.path(node)
            if held is not None and _is_container(held) and self.handed_on(node):
                self.uses += self.classify(f"{held}.{ANY}", node, constructed=False)

    def handed_on(self, node) -> bool:
        """True when the value is passed, returned or stored, not read from or called."""
        while node.parent is not None and node.parent.type in TRANSPARENT:
            node = node.parent
        parent = node.parent
        if parent is None or parent.type in BINDING_PARENTS or parent.type in DISCARDED:
            return False  # declared here, `const x = arc` (an alias, followed), or unused
        if parent.type in ("member_expression", "subscript_expression"):
            return parent.child_by_field_name("object") != node
        if parent.type == "call_expression":
            return parent.child_by_field_name("function") != node
        if parent.type == "new_expression":
            return parent.child_by_field_name("constructor") != node
        if parent.type == "arguments" and parent.parent is not None:
            callee = parent.parent.child_by_field_name("function")
            callee = callee or parent.parent.child_by_field_name("constructor")
            called = self.path(callee) if callee is not None else None
            # `DynamoDBDocument.from(client)`: the SDK wraps it; its uses are read on the result
            return not (called and called.partition(".")[0] in SDK_V3)
        if parent.type == "assignment_expression":
            left = parent.child_by_field_name("left")
            if left == node:
                return False
            return left is None or left.type != "identifier"  # `x = arc` is an alias
        return True

    def classify(self, called: str, node, constructed: bool) -> list[Use]:
        where, code = self.location(node), self.code(node)
        if called == ARC or called.startswith(ARC + "."):
            return self.arc_use(called.removeprefix(ARC).removeprefix("."), node, where, code)
        if called.startswith(ARC + "/"):
            return fallback(where, code, "@architect/functions' internals")
        module, _, rest = called.partition(".")
        if module in SDK_V3:
            return self.sdk_v3_use(SDK_V3[module], module, rest, constructed, where, code)
        if module == "aws-sdk":
            if rest.startswith(ANY):
                return fallback(where, code, "the AWS SDK handed to other code")
            service = SDK_V2.get(rest.split(".")[0].removesuffix("()"))
            return [Use(service, None, None, where, code)] if service and constructed else []
        return []

    def arc_use(self, member: str, node, where: str, code: str) -> list[Use]:
        if member in ("", ANY) or member.startswith(ANY):
            return fallback(where, code, "@architect/functions handed to other code")
        if member in ARC_CALLS:
            service, operation = ARC_CALLS[member]
            name = _named_argument(node, "name") if service in ("sns", "sqs") else None
            return [Use(service, operation, name, where, code)]
        if member.startswith(ARC_HARMLESS) or member == "tables":
            return []
        if member.startswith("tables()"):
            return self.arc_table_use(member.removeprefix("tables()").lstrip("."), where, code)
        namespace = member.split(".")[0]
        service = ARC_NAMESPACES.get(namespace)
        if service is None:
            return fallback(where, code, f"arc.{member} is not a member pyarc knows")
        if service == "dynamodb":  # the legacy arc.tables.insert/... helpers, any table
            return [Use("dynamodb", None, None, where, code)]
        return [Use(service, None, None, where, code)]

    def arc_table_use(self, member: str, where: str, code: str) -> list[Use]:
        """`notes.get`, `notes`, `?.get`, `_client.PutItem`, `name`, `then`...: one use."""
        if member == "":
            return []  # the client itself, followed where it is used
        parts = member.split(".")
        table = parts[0]
        if table in ARC_TABLE_NAMES_ONLY:
            return []
        if table.startswith("_") or table in (ANY, "then") and len(parts) == 1:
            return [Use("dynamodb", None, None, where, code)]  # the raw client, any table
        name = None if table == ANY else table
        method = parts[1].removesuffix("()") if len(parts) > 1 else None
        if method is None:
            return []  # the table itself: its uses are read where it is called
        return [Use("dynamodb", ARC_TABLE_METHODS.get(method), name, where, code)]

    def sdk_v3_use(
        self, service: str, module: str, rest: str, constructed: bool, where: str, code: str
    ) -> list[Use]:
        parts = rest.split(".")
        head = parts[0].removesuffix("()")
        if parts[-1] == ANY:
            return [Use(service, None, None, where, code)]  # a client handed to other code
        if len(parts) == 1 and (
            constructed and head.endswith("Command") or head.startswith("paginate")
        ):
            name = head.removesuffix("Command") if constructed else head.removeprefix("paginate")
            operation = self.operation(service, module, name)
            return [Use(service, operation, None, where, code)] if operation else []
        made = any(part.endswith("()") for part in parts[:-1])  # a client: `new DynamoDB()`
        method = parts[-1]
        if constructed or not made or method in SDK_CLIENT_PLUMBING:
            return []
        operation = self.operation(service, module, method[:1].upper() + method[1:])
        return [Use(service, operation, None, where, code)] if operation else []

    @staticmethod
    def operation(service: str, module: str, name: str) -> str | None:
        if module == "@aws-sdk/lib-dynamodb":
            name = DOCUMENT_OPERATIONS.get(name, name)
        known = set(operations(service).values())
        return name if name in known else None

    # ---- text ----------------------------------------------------------------------------

    def location(self, node) -> str:
        return f"{self.where}:{node.start_point[0] + 1}"

    def code(self, node) -> str:
        text = " ".join(_text(node).split())
        return text if len(text) <= 70 else text[:67] + "..."


def _is_container(held: str) -> bool:
    """A value worth following when handed on: @architect/functions or one of its namespaces,
    a tables client or one of its tables, an AWS SDK module, class or client (not what a
    call on them returns: `data.notes.get()` gives an item)."""
    tables = ARC + ".tables()"
    if held.startswith(tables):
        return "()" not in held.removeprefix(tables)
    if held == ARC:
        return True
    if held.startswith(ARC + "."):
        return held.removeprefix(ARC + ".") in ARC_NAMESPACES
    module = held.partition(".")[0]
    return (module in SDK_V3 or module == "aws-sdk") and held.count("()") <= 1


def _module_loaded(node) -> str | None:
    """`require('x')` / `import('x')` -> 'x'; '' when the name is computed; None otherwise."""
    if node.type != "call_expression":
        return None
    callee = node.child_by_field_name("function")
    if callee is None or not (
        callee.type == "import" or (callee.type == "identifier" and _text(callee) == "require")
    ):
        return None
    arguments = node.child_by_field_name("arguments")
    first = arguments.named_children[0] if arguments and arguments.named_children else None
    name = _string(first)
    return name if name is not None else ""


def _named_argument(call, key: str) -> str | None:
    """The literal `name` of `publish({ name: 'ping', payload })`; None when not literal."""
    arguments = call.child_by_field_name("arguments")
    if arguments is None or not arguments.named_children:
        return None
    first = arguments.named_children[0]
    if first.type != "object":
        return None
    for pair in first.named_children:
        if pair.type == "pair" and _key(pair.child_by_field_name("key")) == key:
            return _string(pair.child_by_field_name("value"))
    return None


def _string(node) -> str | None:
    """The value of a string literal (or a template literal without substitutions)."""
    if node is None or node.type not in ("string", "template_string"):
        return None
    if any(child.type == "template_substitution" for child in node.named_children):
        return None
    return _text(node)[1:-1]


def _key(node) -> str:
    if node is None:
        return ANY
    value = _string(node)
    return value if value is not None else _text(node)


def _text(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _walk(root) -> Iterator:
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.named_children))


def _first_error_line(root) -> int:
    for node in _walk(root):
        if node.type == "ERROR" or node.is_missing:
            return node.start_point[0] + 1
    return 1


def _unique(uses: list[Use]) -> list[Use]:
    return list(dict.fromkeys(uses))
