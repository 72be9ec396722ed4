"""Build + render the SAM template of a generated app; print the median time of N runs.

Run: python bench/bench_template.py [--routes 300] [--runs 7]
The app has `--routes` HTTP routes plus 20 tables (with an index each), 20 events, 20
queues, 20 schedules and a 4-route @ws. The floor printed alongside is `copy.deepcopy` of
the finished template: the least any generator must spend creating that many objects.
YAML rendering (PyYAML's pure-Python emitter) is shown apart, with `json.dumps` as its floor.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from pyarc.inventory.model import (
    Event,
    Function,
    FunctionConfig,
    HttpRoute,
    Inventory,
    Queue,
    Scheduled,
    Static,
    Table,
    TableIndex,
    WsRoute,
)
from pyarc.template import build, render

METHODS = ("get", "post", "put", "patch", "delete")


def fn(cwd: Path, kind: str, name: str) -> Function:
    return Function(kind, name, cwd / "src" / kind / name, FunctionConfig())  # type: ignore[arg-type]


def inventory(routes: int) -> Inventory:
    cwd = Path("/tmp/bench-template")
    inv = Inventory(app="bench-app", cwd=cwd, manifest=cwd / "app.arc", static=Static())
    for i in range(routes):
        method = METHODS[i % len(METHODS)]
        inv.http.append(
            HttpRoute(method, f"/things{i}/:id", fn(cwd, "http", f"{method}-things{i}-000id"))
        )  # type: ignore[arg-type]
    inv.ws = [WsRoute(n, fn(cwd, "ws", n)) for n in ("connect", "default", "disconnect", "rotate")]
    for i in range(20):
        index = TableIndex(f"by-owner{i}", "owner", "String")
        inv.tables.append(Table(f"table{i}", "id", "String", indexes=[index]))
        inv.events.append(Event(f"event{i}", fn(cwd, "events", f"event{i}")))
        inv.queues.append(Queue(f"queue{i}", fn(cwd, "queues", f"queue{i}")))
        inv.scheduled.append(Scheduled(f"job{i}", "rate(1 hour)", fn(cwd, "scheduled", f"job{i}")))
    return inv


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    inv = inventory(args.routes)
    template = build(inv)
    count = len(template["Resources"])
    build_ms = median_ms(lambda: build(inv), args.runs)
    floor_ms = median_ms(lambda: copy.deepcopy(template), args.runs)
    yaml_ms = median_ms(lambda: render(template, "yaml"), args.runs)
    json_ms = median_ms(lambda: json.dumps(template), args.runs)
    print(f"{len(inv.functions)} functions, {count} resources, median of {args.runs} runs")
    print(f"build        {build_ms:8.1f} ms   floor (deepcopy of result) {floor_ms:8.1f} ms")
    print(f"render yaml  {yaml_ms:8.1f} ms   floor (json.dumps)         {json_ms:8.1f} ms")


if __name__ == "__main__":
    main()
