"""`Transfers`: ImportTable / ExportTableToPointInTime and their Describe/List operations.

    transfers = Transfers(engine.handle, engine.store)   # the engine builds one
    transfers.storage = storage                          # an ObjectStorage (the local S3)
    transfers.operations["ImportTable"](store, request)  # what Engine.handle calls

As in DynamoDB the request answers at once with status IN_PROGRESS, and the work runs on a
thread of its own (never the caller's, never an event loop); DescribeImport/DescribeExport
then show COMPLETED or FAILED. The job reaches the tables only through the engine's
`handle` (CreateTable, PutItem, DeleteTable: every rule of those operations applies) and,
for an export's snapshot, the store under its lock. Jobs are kept in memory.
"""

from __future__ import annotations

import copy
import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from pyarc.tables.errors import DynamoError, validation
from pyarc.tables.store.table import ACCOUNT, REGION, Table
from pyarc.tables.transfers import exports, imports
from pyarc.tables.transfers.storage import ObjectStorage, storage_needed
from pyarc.wire.model import service_model

if TYPE_CHECKING:
    from pyarc.tables.store.store import Store

Handle = Callable[[str, dict[str, Any]], dict[str, Any]]
Description = dict[str, Any]
log = logging.getLogger("pyarc.tables")

# member -> (its name in DynamoDB's errors, the model's shape whose enum it must be in)
ENUM_MEMBERS = {
    "InputFormat": ("inputFormat", "InputFormat"),
    "InputCompressionType": ("inputCompressionType", "InputCompressionType"),
    "ExportFormat": ("exportFormat", "ExportFormat"),
    "ExportType": ("exportType", "ExportType"),
}
PAGE_LIMIT = 25  # ListImports' PageSize and ListExports' MaxResults allow 1-25
TOKEN_DIGITS = 112  # ImportNextToken: ([0-9a-f]{16})+, at least 112 characters


def job_id(now: float) -> str:
    """An import or export id as DynamoDB makes them: `01658528578619-c4d4e311`."""
    return f"{int(now * 1000):014d}-{secrets.token_hex(4)}"


class Transfers:
    def __init__(self, handle: Handle, store: Store) -> None:
        self.handle = handle
        self.store = store
        self.storage: ObjectStorage | None = None
        self.lock = threading.Lock()  # guards the jobs' descriptions
        self.imports: dict[str, Description] = {}  # ImportArn -> ImportTableDescription
        self.exports: dict[str, Description] = {}  # ExportArn -> ExportDescription
        self._tokens: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        self._worker: ThreadPoolExecutor | None = None
        self.operations: dict[str, Callable[[Any, dict[str, Any]], dict[str, Any]]] = {
            "ImportTable": self.import_table,
            "DescribeImport": self.describe_import,
            "ListImports": self.list_imports,
            "ExportTableToPointInTime": self.export_table,
            "DescribeExport": self.describe_export,
            "ListExports": self.list_exports,
        }

    def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.shutdown(wait=False)

    def wait_idle(self) -> None:
        """Block until every job submitted so far has finished (tests, shutdown)."""
        if self._worker is not None:
            self._worker.submit(lambda: None).result()

    # imports --------------------------------------------------------------------------
    def import_table(self, store: Store, request: dict[str, Any]) -> dict[str, Any]:
        _check_members(request)
        storage = self._storage("ImportTable")
        again = self._repeated("ImportTable", request, self.imports)
        if again is not None:
            return {"ImportTableDescription": again}
        params = request["TableCreationParameters"]
        name = params["TableName"]
        if name in store.tables:
            raise DynamoError("ResourceInUseException", f"Table already exists: {name}")
        table = self.handle("CreateTable", copy.deepcopy(params))["TableDescription"]
        now = time.time()
        description = imports.started(request, table, f"{table['TableArn']}/import/{job_id(now)}", now)
        return {"ImportTableDescription": self._submit(
            self.imports, description, request,
            lambda: imports.run(self.handle, storage, request, description, self.lock),
        )}

    def describe_import(self, store: Store, request: dict[str, Any]) -> dict[str, Any]:
        return {"ImportTableDescription": self._described(self.imports, request["ImportArn"])}

    def list_imports(self, store: Store, request: dict[str, Any]) -> dict[str, Any]:
        return self._listed(self.imports, request, ("PageSize", "pageSize"),
                            ("ImportSummaryList", imports.summary))

    # exports --------------------------------------------------------------------------
    def export_table(self, store: Store, request: dict[str, Any]) -> dict[str, Any]:
        _check_members(request)
        storage = self._storage("ExportTableToPointInTime")
        again = self._repeated("ExportTableToPointInTime", request, self.exports)
        if again is not None:
            return {"ExportDescription": again}
        with store.lock:
            table = _table_by_arn(store, request["TableArn"])
            exports.check(table, request)
        now = time.time()
        export_id = job_id(now)
        description = exports.started(request, table, f"{table.arn}/export/{export_id}", now)
        return {"ExportDescription": self._submit(
            self.exports, description, request,
            lambda: exports.run(self.store, storage, table.name, export_id, description, self.lock),
        )}

    def describe_export(self, store: Store, request: dict[str, Any]) -> dict[str, Any]:
        return {"ExportDescription": self._described(self.exports, request["ExportArn"])}

    def list_exports(self, store: Store, request: dict[str, Any]) -> dict[str, Any]:
        return self._listed(self.exports, request, ("MaxResults", "maxResults"),
                            ("ExportSummaries", exports.summary))

    # shared ---------------------------------------------------------------------------
    def _storage(self, operation: str) -> ObjectStorage:
        if self.storage is None:
            raise storage_needed(operation)
        return self.storage

    def _repeated(self, operation: str, request: dict[str, Any],
                  jobs: dict[str, Description]) -> Description | None:
        """The job a ClientToken names again with the same request; a conflict if the
        request differs (DynamoDB keeps tokens 8 hours; the sandbox, while it runs)."""
        token = request.get("ClientToken")
        if token is None:
            return None
        with self.lock:
            seen = self._tokens.get((operation, token))
        if seen is None:
            return None
        arn, first = seen
        if first != request:
            if operation == "ImportTable":
                raise DynamoError(
                    "ImportConflictException",
                    "There was a conflict when importing from the specified S3 source. This "
                    "can occur when the current import conflicts with a previous import "
                    "request that had the same client token.",
                )
            raise DynamoError(
                "ExportConflictException",
                "There was a conflict when writing to the specified S3 bucket.",
            )
        return self._find(jobs, arn)

    def _submit(self, jobs: dict[str, Description], description: Description,
                request: dict[str, Any], work: Callable[[], None]) -> Description:
        arn = description.get("ImportArn") or description["ExportArn"]
        operation = "ImportTable" if "ImportArn" in description else "ExportTableToPointInTime"
        with self.lock:
            jobs[arn] = description
            if request.get("ClientToken") is not None:
                self._tokens[(operation, request["ClientToken"])] = (arn, copy.deepcopy(request))
            answer = copy.deepcopy(description)
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="pyarc-table-transfers")
        self._worker.submit(_logged, work, arn)
        return answer

    def _described(self, jobs: dict[str, Description], arn: str) -> Description:
        found = self._find(jobs, arn)
        if found is None:
            kind = "import" if jobs is self.imports else "export"
            raise DynamoError(f"{kind.title()}NotFoundException",
                              f"The specified {kind} was not found.")
        return found

    def _listed(self, jobs: dict[str, Description], request: dict[str, Any],
                size: tuple[str, str], answer: tuple[str, Callable[[Description], Any]]
                ) -> dict[str, Any]:
        """One page of ListImports / ListExports: (size member, its name in errors),
        (the list's member, the summary of one job)."""
        page, token = self._page(jobs, request.get("TableArn"), (size[1], request.get(size[0])),
                                 request.get("NextToken"))
        listed: dict[str, Any] = {answer[0]: [answer[1](d) for d in page]}
        if token:
            listed["NextToken"] = token
        return listed

    def _find(self, jobs: dict[str, Description], arn: str) -> Description | None:
        with self.lock:
            found = jobs.get(arn)
            return copy.deepcopy(found) if found is not None else None

    def _page(self, jobs: dict[str, Description], table_arn: str | None,
              size: tuple[str, int | None], token: str | None) -> tuple[list[Description], str | None]:
        member, asked = size
        limit = PAGE_LIMIT if asked is None else asked
        if not 1 <= limit <= PAGE_LIMIT:
            bound = "greater than or equal to 1" if limit < 1 else f"less than or equal to {PAGE_LIMIT}"
            raise validation(
                f"1 validation error detected: Value '{limit}' at '{member}' failed to satisfy "
                f"constraint: Member must have value {bound}"
            )
        start = _position(token)
        with self.lock:
            chosen = [copy.deepcopy(d) for d in jobs.values()
                      if table_arn is None or d["TableArn"] == table_arn]
        page = chosen[start:start + limit]
        more = start + limit < len(chosen)
        return page, (f"{start + limit:0{TOKEN_DIGITS}x}" if more else None)


def _check_members(request: dict[str, Any]) -> None:
    """The enum values and the CSV delimiter DynamoDB checks before anything runs."""
    model = service_model("dynamodb")
    for member, (at, shape) in ENUM_MEMBERS.items():
        value = request.get(member)
        allowed = model.shape_for(shape).enum
        if value is not None and value not in allowed:
            raise validation(
                f"1 validation error detected: Value '{value}' at '{at}' failed to satisfy "
                f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
            )
    delimiter = ((request.get("InputFormatOptions") or {}).get("Csv") or {}).get("Delimiter")
    pattern = model.shape_for("CsvDelimiter").metadata["pattern"]
    if delimiter is not None and (len(delimiter) != 1 or delimiter not in ",;:|\t "):
        raise validation(
            f"1 validation error detected: Value '{delimiter}' at "
            "'inputFormatOptions.csv.delimiter' failed to satisfy constraint: Member must "
            f"satisfy regular expression pattern: {pattern}"
        )


def _position(token: str | None) -> int:
    if token is None:
        return 0
    try:
        return int(token, 16)
    except ValueError:
        raise validation(f"Invalid NextToken: {token} is not a token this endpoint gave") from None


def _table_by_arn(store: Store, arn: str) -> Table:
    name = arn.split(":table/", 1)[-1] if arn.startswith(f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/") else None
    table = store.tables.get(name) if name else None
    if table is None:
        raise DynamoError("TableNotFoundException", f"Table not found: {arn}")
    return table


def _logged(work: Callable[[], None], arn: str) -> None:
    try:
        work()
    except Exception:  # a bug in a job must not stop the thread the next job needs
        log.exception("tables: the job %s failed", arn)
