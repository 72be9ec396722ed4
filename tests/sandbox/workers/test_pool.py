"""Pool behaviour: growth up to the cap, queueing, recycle, --cold, prewarm, aclose."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

# a transport or process left open by a scenario fails the test that leaked it
pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")

SLOW_PID = """
import os, time
def handler(event, context):
    time.sleep(event.get("sleep", 0))
    return os.getpid()
"""


def test_concurrent_invocations_grow_the_pool_up_to_the_function_concurrency(harness):
    fn = harness.function(SLOW_PID, concurrency=3)

    async def scenario(pools):
        results = await asyncio.gather(*(pools.invoke(fn, {"sleep": 0.3}) for _ in range(7)))
        return results, pools.pids(fn)

    results, live = harness.run(scenario, max_workers=8)
    assert all(r.ok for r in results)
    assert len({r.payload for r in results}) == 3
    assert sum(r.cold for r in results) == 3
    assert sorted(live) == sorted({r.payload for r in results})


def test_pool_is_capped_by_max_workers_and_extra_invocations_queue(harness):
    fn = harness.function(SLOW_PID)

    async def scenario(pools):
        first = [asyncio.create_task(pools.invoke(fn, {"sleep": 0.4})) for _ in range(2)]
        queued = asyncio.create_task(pools.invoke(fn, {}))
        await asyncio.wait([queued], timeout=0.2)
        queued_done_early = queued.done()
        return await asyncio.gather(*first), await queued, queued_done_early

    first, queued, queued_done_early = harness.run(scenario, max_workers=2)
    assert not queued_done_early  # waited for a worker: the pool was full
    assert queued.ok and not queued.cold
    assert queued.payload in {r.payload for r in first}
    assert len({r.payload for r in first}) == 2


def test_recycle_runs_new_code_after_the_handler_file_changes(harness):
    fn = harness.function("import os\ndef handler(e, c):\n    return ['v1', os.getpid()]\n")
    other = harness.function(SLOW_PID, name="get-other")

    async def scenario(pools):
        old = await pools.invoke(fn, {})
        untouched = await pools.invoke(other, {})
        harness.write_handler(
            fn.src, "import os\ndef handler(e, c):\n    return ['v2', os.getpid()]\n"
        )
        count = pools.recycle(fn.src / "lambda.py")
        new = await pools.invoke(fn, {})
        still = await pools.invoke(other, {})
        return old, new, count, untouched, still

    old, new, count, untouched, still = harness.run(scenario)
    assert count == 1
    assert old.payload[0] == "v1" and new.payload[0] == "v2"
    assert new.cold and new.payload[1] != old.payload[1]
    assert still.payload == untouched.payload and not still.cold


def test_recycle_lets_a_busy_worker_finish_its_invocation(harness):
    fn = harness.function(SLOW_PID)

    async def scenario(pools):
        busy = asyncio.create_task(pools.invoke(fn, {"sleep": 0.5}))
        while not pools.pids(fn):  # the worker exists once its process is running
            await asyncio.sleep(0.01)
        count = pools.recycle()
        finished = await busy
        after = await pools.invoke(fn, {})
        return count, finished, after

    count, finished, after = harness.run(scenario)
    assert count == 1
    assert finished.ok
    assert after.ok and after.cold and after.payload != finished.payload


def test_recycle_of_a_parent_directory_covers_every_function_under_it(harness):
    a = harness.function(SLOW_PID, name="get-a")
    b = harness.function(SLOW_PID, name="b", kind="events")

    async def scenario(pools):
        await pools.invoke(a, {})
        await pools.invoke(b, {})
        return pools.recycle(harness.root / "src" / "http"), pools.recycle(harness.root / "nope")

    assert harness.run(scenario) == (1, 0)


def test_cold_mode_starts_a_new_process_for_every_invocation(harness):
    fn = harness.function(SLOW_PID)

    async def scenario(pools):
        results = [await pools.invoke(fn, {}) for _ in range(3)]
        return results, pools.pids(fn)

    results, live = harness.run(scenario, cold=True)
    assert len({r.payload for r in results}) == 3
    assert all(r.cold for r in results)
    assert live == []


def test_an_invocation_that_waits_for_the_prewarm_is_cold_and_one_after_it_is_warm(harness):
    fn = harness.function(SLOW_PID)
    other = harness.function(SLOW_PID, name="get-other")

    async def scenario(pools):
        await pools.prewarm([fn, other])
        waited = await pools.invoke(fn, {})  # arrives while the worker is still importing
        await asyncio.gather(*[t for t in list(pools._closing) if "prewarm" in t.get_name()])
        ready = await pools.invoke(other, {})  # its prewarmed worker was already idle
        return waited, ready, pools.pids(fn)

    waited, ready, live = harness.run(scenario)
    assert waited.ok and waited.cold  # it paid for the start (issue 12: was labelled warm)
    assert live == [waited.payload]  # no second spawn
    assert ready.ok and not ready.cold


def test_changed_configuration_replaces_the_workers(harness):
    fn = harness.function(
        "import os\ndef handler(e, c):\n    return os.environ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']\n"
    )

    async def scenario(pools):
        first = await pools.invoke(fn, {})
        changed = harness.function(None, memory=256)
        return first, await pools.invoke(changed, {})

    first, second = harness.run(scenario)
    assert (first.payload, second.payload) == ("1152", "256")
    assert second.cold


def test_a_cancelled_invocation_does_not_confuse_the_next_one(harness, tmp_path):
    started = tmp_path / "started"
    fn = harness.function(
        f"""
        import time
        def handler(event, context):
            if event["n"] == 1:
                open({str(started)!r}, "w").close()
                time.sleep(0.5)
            return event["n"]
        """
    )

    async def scenario(pools):
        await pools.invoke(fn, {"n": 0})
        task = asyncio.create_task(pools.invoke(fn, {"n": 1}))
        while not started.exists():  # the handler is running in the worker now
            await asyncio.sleep(0.005)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return task.cancelled(), await pools.invoke(fn, {"n": 2})

    cancelled, result = harness.run(scenario)
    assert cancelled
    assert result.ok and result.payload == 2


def test_aclose_leaves_no_processes_behind(harness, tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    fn = harness.function(
        f"""
        import os, subprocess
        def handler(event, context):
            if event.get("spawn"):
                child = subprocess.Popen(["sleep", "60"])
                open({str(pid_file)!r}, "w").write(str(child.pid))
            return os.getpid()
        """
    )
    seen: list[int] = []

    async def scenario(pools):
        results = await asyncio.gather(*(pools.invoke(fn, {"spawn": i == 0}) for i in range(3)))
        seen.extend(r.payload for r in results)
        seen.append(int(pid_file.read_text()))
        assert all(harness.process_exists(pid) for pid in seen)
        await pools.aclose()
        return [pid for pid in seen if harness.process_exists(pid)]

    leftovers = harness.run(scenario)
    assert len(seen) >= 2
    assert leftovers == []


def test_invoke_after_aclose_reports_an_error(harness):
    fn = harness.function(SLOW_PID)

    async def scenario(pools):
        await pools.aclose()
        return await pools.invoke(fn, {})

    result = harness.run(scenario)
    assert not result.ok and result.error.kind == "throttled"


def test_aclose_during_prewarm_and_busy_invocations_reaps_everything(harness):
    fn = harness.function(SLOW_PID)
    other = harness.function(SLOW_PID, name="get-other")

    async def scenario(pools):
        busy = asyncio.create_task(pools.invoke(fn, {"sleep": 5}))
        while not pools.pids(fn):
            await asyncio.sleep(0.005)
        await pools.prewarm([other])
        started = pools.pids()
        await pools.aclose()
        result = await busy
        return started, result

    started, result = harness.run(scenario)
    assert started and not result.ok
    assert [pid for pid in started if harness.process_exists(pid)] == []


def test_the_sandbox_prewarms_get_index_first_and_only_up_to_the_limit(harness):
    from pyarc.sandbox.workers.pool import first_to_warm

    ws = harness.function("def handler(e, c):\n    return 1\n", name="connect", kind="ws")
    items = harness.function("def handler(e, c):\n    return 1\n", name="get-items")
    index = harness.function("def handler(e, c):\n    return 1\n", name="get-index")
    missing = harness.function(None, name="get-gone")
    assert first_to_warm([ws, missing, items, index]) == [index]
    assert first_to_warm([ws, missing, items, index], limit=3) == [index, items, ws]


def test_a_burst_of_short_invocations_is_served_by_the_workers_there_are(harness):
    fn = harness.function(SLOW_PID)

    async def scenario(pools):
        await pools.invoke(fn, {})  # one warm worker
        burst = await asyncio.gather(*(pools.invoke(fn, {}) for _ in range(20)))
        return burst, pools.pids(fn)

    burst, live = harness.run(scenario, max_workers=8)
    assert all(r.ok for r in burst)
    # each waited for the busy worker (well under GROW_AFTER_S) instead of starting its own
    assert len(live) < 4 and sum(r.cold for r in burst) == len(live) - 1


def test_a_cancelled_waiter_gives_its_handed_over_worker_back(harness):
    fn = harness.function(SLOW_PID)

    async def scenario(pools):
        await pools.invoke(fn, {})
        busy = asyncio.create_task(pools.invoke(fn, {"sleep": 0.2}))
        waiting = asyncio.create_task(pools.invoke(fn, {}))
        while not pools._pools[fn.key].waiters:
            await asyncio.sleep(0.005)
        waiting.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiting
        first = await busy
        after = await pools.invoke(fn, {})
        return first, after, pools.pids(fn)

    first, after, live = harness.run(scenario)
    assert first.ok and after.ok and not after.cold
    assert live == [first.payload] == [after.payload]


SLOW_START = """
import os, time
time.sleep(0.3)  # a slow import

def handler(event, context):
    return os.getpid()
"""
SLOW_START_SLOW_FIRST_CALL = """
import os, time
time.sleep(0.2)  # a slow import (boto3)
_client = None

def handler(event, context):
    global _client
    if _client is None:  # the first call builds a client, as boto3 handlers do: slower
        time.sleep(0.5)  # than the start
        _client = object()
    return os.getpid()
"""


@pytest.mark.parametrize(
    "source",
    [
        # invocations arriving while a worker starts wait for it instead of starting more
        pytest.param(SLOW_START, id="wait-for-the-start"),
        # and those that waited for a start also wait for its (slower) first invocation
        pytest.param(SLOW_START_SLOW_FIRST_CALL, id="wait-for-its-first-invocation"),
    ],
)
def test_a_burst_behind_a_worker_start_starts_at_most_one_more(harness, source):
    fn = harness.function(source)

    async def scenario(pools):
        burst = await asyncio.gather(*(pools.invoke(fn, {}) for _ in range(10)))
        return burst, pools.pids(fn)

    burst, live = harness.run(scenario, max_workers=8)
    assert all(r.ok for r in burst)
    # one start, then its worker (maybe a second, on a loaded machine), not one each
    assert len(live) <= 2 and {r.payload for r in burst} == set(live)


def test_prewarm_starts_no_second_worker_for_a_function_a_request_is_starting(harness):
    fn = harness.function("import os, time\ntime.sleep(0.3)  # a slow import\n\n"
                          "def handler(event, context):\n    return os.getpid()\n")  # fmt: skip

    async def scenario(pools):
        first = asyncio.create_task(pools.invoke(fn, {}))  # e.g. a client polling for its 200
        while not pools._pools.get(fn.key) or not pools._pools[fn.key].starting:
            await asyncio.sleep(0.005)
        await pools.prewarm([fn])  # the sandbox's prewarm, scheduled once it serves
        result = await first
        warming = pools._pools[fn.key].warming
        if warming is not None:
            await warming
        return result, pools.pids(fn)

    result, live = harness.run(scenario)
    assert result.ok and live == [result.payload]
