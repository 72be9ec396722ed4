"""Parse + load a generated 2,000-route manifest; print the median time of N runs.

Run: python bench/bench_parse.py [--routes 2000] [--runs 7]
The floor printed alongside is the time to merely read the text line by line (str.splitlines
plus split), the least any parser must spend on the same input.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pyarc.inventory import load
from pyarc.manifest import parse

METHODS = ("get", "post", "put", "patch", "delete")


def manifest(routes: int) -> str:
    lines = ["@app", "bench-app", "", "@aws", "region us-east-1", "timeout 10", "", "@http"]
    for i in range(routes):
        method = METHODS[i % len(METHODS)]
        kind = i % 4
        if kind == 0:
            path = f"/things{i}"
        elif kind == 1:
            path = f"/things{i}/:id"
        elif kind == 2:
            path = f"/api{i}/items/:item/parts"
        else:
            path = f"/files{i}/*"
        lines.append(f"{method} {path}  # route {i}")
    lines += ["", "@tables", "data", "  pk *String", "  sk **Number", "  expires TTL"]
    return "\n".join(lines) + "\n"


def median_seconds(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--routes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    text = manifest(args.routes)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "app.arc").write_text(text)
        floor = median_seconds(lambda: [line.split() for line in text.splitlines()], args.runs)
        parse_time = median_seconds(lambda: parse(text), args.runs)
        load_time = median_seconds(lambda: load(root), args.runs)
        inventory = load(root)
    assert len(inventory.http) == args.routes
    print(f"manifest: {args.routes} routes, {len(text.splitlines())} lines, {len(text)} bytes; "
          f"median of {args.runs} runs")
    print(f"floor (splitlines + split):    {floor * 1000:8.2f} ms")
    print(f"parse (text -> plain data):    {parse_time * 1000:8.2f} ms")
    print(f"load  (manifest -> Inventory): {load_time * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
