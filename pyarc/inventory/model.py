"""The typed Inventory: the single source of truth for an app.

Both renderings (the sandbox and the CloudFormation template) read only these
dataclasses. Nothing but `pyarc.manifest` reads manifest text, and nothing but
`pyarc.inventory` builds these objects.

Contract for the rest of the code base: fields may be added, never renamed or
removed without updating every reader (sandbox, template, deploy, cli).
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pyarc.inventory.schedules import Schedule, parse_schedule

FunctionKind = Literal["http", "ws", "events", "queues", "scheduled", "tables-streams"]
HttpMethod = Literal["get", "post", "put", "patch", "delete", "options", "head", "any"]
KeyType = Literal["String", "Number", "Binary"]
ApiType = Literal["http", "httpv1", "httpv2", "rest"]

DEFAULT_RUNTIME = "python3.13"
DEFAULT_MEMORY_MB = 1152  # Architect's default
DEFAULT_TIMEOUT_S = 5  # Architect's default
DEFAULT_ARCHITECTURE = "arm64"
DEFAULT_STORAGE_MB = 512
DEFAULT_REGION = "us-west-2"  # Architect's default when nothing else says
HANDLER_FILES = ("lambda.py", "handler.py", "index.py")  # first found wins
# Lambda's Node.js runtime loads `<module>.js`, else `.mjs`, else `.cjs`; Architect's default
# Node handler is `index.handler`.
NODE_HANDLER_EXTENSIONS = (".js", ".mjs", ".cjs")
DEFAULT_NODE_HANDLER = "index.handler"


def is_node_runtime(runtime: str) -> bool:
    """`nodejs20.x`, `nodejs22.x`...: the function is JavaScript run by Lambda's Node.js."""
    return runtime.startswith("nodejs")


@dataclass(frozen=True)
class Location:
    """Where something was declared: used in every error message."""

    file: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# Rights a function declares under `@aws` (in config.arc, or app-wide): each kind given
# replaces what pyarc's analysis of the function's code would detect for that kind.
ACCESS_KEYS = ("tables-read", "tables-write", "publish", "send", "connections", "static-bucket")


@dataclass
class DeclaredAccess:
    """`tables-read notes users`: one declared right and the names it applies to."""

    kind: str  # one of ACCESS_KEYS
    names: list[str]  # tables/events/queues; ["true"]/["false"]; static-bucket: read/write/none
    location: Location | None = None


@dataclass
class FunctionConfig:
    """Lambda settings, from `@aws` overridden by the function's own `config.arc`."""

    runtime: str = DEFAULT_RUNTIME
    memory: int = DEFAULT_MEMORY_MB
    timeout: int = DEFAULT_TIMEOUT_S
    architecture: Literal["arm64", "x86_64"] = DEFAULT_ARCHITECTURE
    storage: int = DEFAULT_STORAGE_MB
    concurrency: int | None = None  # None = unthrottled (reserved concurrency unset)
    layers: list[str] = field(default_factory=list)
    policies: list[str] = field(default_factory=list)
    handler: str | None = None  # "module.function"; None = resolved from HANDLER_FILES
    access: list[DeclaredAccess] = field(default_factory=list)

    @property
    def is_node(self) -> bool:
        return is_node_runtime(self.runtime)


@dataclass
class Function:
    """One Lambda function: a handler directory plus its configuration."""

    kind: FunctionKind
    name: str  # per-kind unique name, e.g. "get-index", "connect", "my-event"
    src: Path  # absolute path of the handler directory (may not exist yet)
    config: FunctionConfig
    location: Location | None = None

    @property
    def handler_file(self) -> Path | None:
        """The handler module file, or None when the directory has none yet.

        Looked up afresh each call (a file added or deleted shows at once): the sandbox asks
        on every request, so the candidates' paths are built once (`_handler_candidates`) and
        each costs one stat.
        """
        candidates = _handler_candidates(self.src, self.config.handler, self.config.is_node)
        for text, candidate in candidates:
            if os.path.isfile(text):
                return candidate
        return None

    @property
    def handler(self) -> str:
        """`module.function` as Lambda's `Handler` property spells it."""
        if self.config.handler:
            return self.config.handler
        if self.config.is_node:
            return DEFAULT_NODE_HANDLER
        found = self.handler_file
        module = found.stem if found else "lambda"
        return f"{module}.handler"

    @property
    def key(self) -> str:
        """Globally unique id, e.g. `http:get-index`, `ws:connect`."""
        return f"{self.kind}:{self.name}"


@dataclass
class HttpRoute:
    method: HttpMethod
    path: str  # as written in the manifest: "/things/:id", "/api/*"
    function: Function
    location: Location | None = None

    @property
    def route_key(self) -> str:
        """API Gateway route key: `GET /things/{id}`, `ANY /api/{proxy+}`, `$default`."""
        return f"{self.method.upper()} {api_gateway_path(self.path)}"


def api_gateway_path(path: str) -> str:
    """`/things/:id` -> `/things/{id}`; `/api/*` -> `/api/{proxy+}`."""
    parts = []
    for part in path.split("/"):
        if part.startswith(":"):
            parts.append("{" + part[1:] + "}")
        elif part == "*":
            parts.append("{proxy+}")
        else:
            parts.append(part)
    return "/".join(parts) or "/"


@dataclass
class WsRoute:
    name: str  # "connect", "disconnect", "default", or a custom action ("rotate")
    function: Function
    location: Location | None = None

    @property
    def route_key(self) -> str:
        """`$connect`, `$disconnect`, `$default`; custom actions have no `$`."""
        if self.name in ("connect", "disconnect", "default"):
            return "$" + self.name
        return self.name


@dataclass
class TableIndex:
    name: str  # GSI name; Architect's default: "<pk>-index" or "<pk>-<sk>-index"
    partition_key: str
    partition_key_type: KeyType
    sort_key: str | None = None
    sort_key_type: KeyType | None = None
    projection: str | list[str] = "all"  # "all" | "keys" | list of attribute names
    location: Location | None = None
    key_locations: dict[str, Location] = field(default_factory=dict)  # key attribute -> line
    # multi-attribute GSI keys: further `*` / `**` lines after the first, in manifest order
    more_partition_keys: list[tuple[str, KeyType]] = field(default_factory=list)
    more_sort_keys: list[tuple[str, KeyType]] = field(default_factory=list)

    @property
    def partition_keys(self) -> list[tuple[str, KeyType]]:
        return [(self.partition_key, self.partition_key_type), *self.more_partition_keys]

    @property
    def sort_keys(self) -> list[tuple[str, KeyType]]:
        first = [(self.sort_key, self.sort_key_type or "String")] if self.sort_key else []
        return first + self.more_sort_keys


@dataclass
class Table:
    name: str  # logical name as in the manifest
    partition_key: str
    partition_key_type: KeyType
    sort_key: str | None = None
    sort_key_type: KeyType | None = None
    ttl: str | None = None  # attribute name marked TTL
    stream: bool = False  # `stream true` (NEW_AND_OLD_IMAGES) or a @tables-streams entry
    pitr: bool = False
    encrypt: bool | str = False  # True = AWS-managed KMS; str = a KMS key ARN
    indexes: list[TableIndex] = field(default_factory=list)
    location: Location | None = None
    key_locations: dict[str, Location] = field(default_factory=dict)  # key attribute -> line

    def physical_name(self, app: str, env: str = "staging") -> str:
        """`<app>-<env>-<name>`, as Architect names tables in the sandbox."""
        return f"{app}-{env}-{self.name}"


@dataclass
class TableStream:
    name: str  # function name (defaults to the table name)
    table: str  # logical table name
    function: Function
    location: Location | None = None


@dataclass
class Event:
    name: str
    function: Function
    location: Location | None = None


@dataclass
class Queue:
    name: str
    function: Function
    fifo: bool = True  # Architect's default
    batch_size: int = 1  # Architect's default batchSize
    batch_window: int = 0  # seconds (MaximumBatchingWindowInSeconds)
    visibility_timeout: int | None = None  # defaults to the function timeout
    location: Location | None = None


@dataclass
class Scheduled:
    name: str
    expression: str  # "rate(5 minutes)" or "cron(0 12 * * ? *)"
    function: Function
    timezone: str | None = None  # IANA name, e.g. "Europe/Paris"
    location: Location | None = None

    @property
    def schedule(self) -> Schedule:
        """The parsed expression, what the sandbox fires and the template renders
        (ScheduleError if it is invalid; the manifest loader has refused those)."""
        return parse_schedule(self.expression)


@dataclass
class Static:
    folder: str = "public"  # relative to the app dir
    fingerprint: bool | Literal["external"] = False
    spa: bool = False
    prefix: str | None = None  # S3 key prefix for uploads
    ignore: list[str] = field(default_factory=list)
    compression: bool = False
    staging: str | None = None  # an existing bucket name to use instead of creating one
    production: str | None = None
    public: bool = False  # public-read bucket without @cdn (`@static public true`)
    implied: bool = False  # no @static: implied by @http, so a bucket only if the folder exists


@dataclass
class Cdn:
    enabled: bool = True


@dataclass
class Aws:
    region: str = DEFAULT_REGION
    profile: str | None = None
    apigateway: ApiType = "http"  # http = HTTP API payload 2.0; httpv1/rest = 1.0
    bucket: str | None = None  # deployment bucket
    defaults: FunctionConfig = field(default_factory=FunctionConfig)
    roles: Literal["function", "shared"] = "function"  # shared = Architect's one app role
    throttle_rate: float | None = None  # API stage default requests/second (None: pyarc's)
    throttle_burst: int | None = None
    retain_tables: bool = False  # staging tables Retain + PITR as production's always do


@dataclass
class SandboxPrefs:
    ports: dict[str, int] = field(default_factory=dict)  # http, tables, events, _arc
    env: dict[str, str] = field(default_factory=dict)
    seed_data: str | None = None  # path to the seed file, relative to the app dir
    persist: str | None = None  # directory for table persistence
    useAWS: bool = False
    idle_timeout: int | None = None  # seconds before an idle worker is retired
    max_workers: int | None = None  # workers per function (when config.arc sets no concurrency)
    fire_at_start: bool = False  # rate() schedules fire when the sandbox starts, not a period later


@dataclass
class Prefs:
    sandbox: SandboxPrefs = field(default_factory=SandboxPrefs)
    env: dict[str, dict[str, str]] = field(
        default_factory=lambda: {"testing": {}, "staging": {}, "production": {}}
    )
    file: Path | None = None  # the prefs.arc that was read, if any


@dataclass
class Inventory:
    app: str
    cwd: Path  # the app directory (absolute)
    manifest: Path  # the manifest file that was read
    aws: Aws = field(default_factory=Aws)
    http: list[HttpRoute] = field(default_factory=list)  # in match order
    ws: list[WsRoute] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    streams: list[TableStream] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    queues: list[Queue] = field(default_factory=list)
    scheduled: list[Scheduled] = field(default_factory=list)
    static: Static | None = None  # set when @static or @http is present (Architect)
    cdn: Cdn | None = None
    proxy: dict[str, str] | None = None  # env -> URL
    shared: list[Path] | None = None  # dirs copied into every function (src/shared)
    views: list[Path] | None = None  # src/views
    prefs: Prefs = field(default_factory=Prefs)
    unknown_pragmas: list[str] = field(default_factory=list)
    # unknown pragma -> its lines as written (`get /typo`), to explain a 404 for one
    unknown_pragma_lines: dict[str, list[str]] = field(default_factory=dict, repr=False)
    warnings: list[str] = field(default_factory=list)

    @property
    def functions(self) -> list[Function]:
        """Every Lambda function of the app, in a stable order."""
        found: list[Function] = [r.function for r in self.http]
        found += [r.function for r in self.ws]
        found += [e.function for e in self.events]
        found += [q.function for q in self.queues]
        found += [s.function for s in self.scheduled]
        found += [s.function for s in self.streams]
        return found

    def function(self, key: str) -> Function:
        """Look a function up by `Function.key` (e.g. `http:get-index`)."""
        for fn in self.functions:
            if fn.key == key:
                return fn
        raise KeyError(key)

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def unknown_pragma_declaring(self, method: str, path: str) -> tuple[str, str] | None:
        """(pragma, line) when a line under an unknown pragma (`@htpp`: `get /typo`) would be
        the route for `method path` had it been under @http."""
        wanted = [segment for segment in path.split("/") if segment]
        for pragma, lines in self.unknown_pragma_lines.items():
            for line in lines:
                words = line.split()
                if len(words) != 2 or words[0].lower() not in (method.lower(), "any"):
                    continue
                declared = [segment for segment in words[1].split("/") if segment]
                if declared[-1:] == ["*"] and len(wanted) >= len(declared) - 1:
                    declared, shown = declared[:-1], wanted[: len(declared) - 1]
                else:
                    shown = wanted
                if len(declared) == len(shown) and all(
                    d == w or d.startswith(":") for d, w in zip(declared, shown, strict=True)
                ):
                    return pragma, line
        return None

    @property
    def deployed_static(self) -> Static | None:
        """`@static` as deployed: an `@http` app without `@static` gets a bucket only when its
        folder (`public/`) exists, so nothing public is created for an app with no files."""
        static = self.static
        if static is None or (static.implied and not (self.cwd / static.folder).is_dir()):
            return None
        return static

    def env_vars(self, env: str) -> dict[str, str]:
        """The user's variables for `testing`, `staging` or `production`."""
        return dict(self.prefs.env.get(env, {}))


def stack_name(app: str, env: str) -> str:
    """Architect's `toLogicalID(app + '-' + env)`: `cage-socket`, `testing` -> `CageSocketTesting`."""
    return logical_id(f"{app}-{env}")


def logical_id(text: str) -> str:
    """CloudFormation-safe PascalCase id: `get-things-000id` -> `GetThings000id`."""
    return "".join(w[:1].upper() + w[1:] for w in _split_words(text))


def _split_words(text: str) -> list[str]:
    words: list[str] = []
    current = ""
    for ch in text:
        if ch.isalnum():
            current += ch
        elif current:
            words.append(current)
            current = ""
    if current:
        words.append(current)
    return words


@functools.lru_cache(maxsize=4096)
def _handler_candidates(
    src: Path, handler: str | None, is_node: bool
) -> tuple[tuple[str, Path], ...]:
    """The files `Function.handler_file` looks for, first found wins, as (text, path)."""
    if is_node:
        module = (handler or DEFAULT_NODE_HANDLER).split(".", 1)[0]
        paths = [src / f"{module}{extension}" for extension in NODE_HANDLER_EXTENSIONS]
    elif handler:
        paths = [src / f"{handler.rsplit('.', 1)[0].replace('.', '/')}.py"]
    else:
        paths = [src / name for name in HANDLER_FILES]
    return tuple((str(path), path) for path in paths)
