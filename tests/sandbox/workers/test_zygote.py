"""Cold workers fork from the pool's zygote, and a forked worker is what a fresh interpreter
would be: the function's environment, cwd and modules only; where a fork could differ (start-up
variables) or the zygote is gone, the worker is spawned fresh."""

from __future__ import annotations

import asyncio
import os
import signal
import socket

from pyarc.sandbox.workers import WorkerPools

REPORT = """
    import os, sys

    def handler(event, context):
        return {
            "parent": os.getppid(),
            "cwd": os.getcwd(),
            "env": dict(os.environ),
            "modules": sorted(sys.modules),
            "hash_randomization": sys.flags.hash_randomization,
            "session_leader": os.getsid(0) == os.getpid(),
        }
"""


def scenario_without_fork(fn):
    async def scenario(pools: WorkerPools):
        return (await pools.invoke(fn, {})).payload

    return scenario


def zygote_pid(pools: WorkerPools) -> int:
    assert pools.zygote is not None and pools.zygote._process is not None
    return pools.zygote._process.pid


def test_a_cold_worker_is_a_fork_of_the_zygote_with_only_the_functions_own_state(harness):
    fn = harness.function(REPORT)

    async def scenario(pools: WorkerPools):
        return (await pools.invoke(fn, {})).payload, zygote_pid(pools)

    report, zygote = harness.run(scenario, env={"GREETING": "hi"})
    fresh = harness.run(scenario_without_fork(fn), env={"GREETING": "hi"}, fork=False)
    assert report["parent"] == zygote and fresh["parent"] == os.getpid()
    assert report["cwd"] == str(fn.src)
    assert report["env"]["GREETING"] == "hi"
    assert report["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "http-get-index"
    assert "_PYARC_ACCOUNT_ID" not in report["env"]
    assert report["env"] == fresh["env"] | {
        "AWS_LAMBDA_LOG_STREAM_NAME": report["env"]["AWS_LAMBDA_LOG_STREAM_NAME"]
    }
    assert report["modules"] == fresh["modules"]  # none of the zygote's own imports
    assert report["session_leader"]  # its own process group: a timeout kills all of it


def test_interpreter_start_up_variables_get_a_fresh_interpreter(harness):
    fn = harness.function(REPORT)

    async def scenario(pools: WorkerPools):
        return (await pools.invoke(fn, {})).payload, zygote_pid(pools)

    report, zygote = harness.run(scenario, env={"PYTHONHASHSEED": "0"})
    assert report["parent"] != zygote
    assert report["hash_randomization"] == 0  # the variable took effect, as on Lambda


def test_workers_start_fresh_when_the_zygote_is_gone(harness):
    fn = harness.function(REPORT)

    async def scenario(pools: WorkerPools):
        first = (await pools.invoke(fn, {})).payload
        os.kill(zygote_pid(pools), signal.SIGKILL)  # its workers die with it (PDEATHSIG)
        assert pools.zygote is not None
        while not pools.zygote.broken:  # polls until the pool has seen the zygote go
            await asyncio.sleep(0.01)
        second = await pools.invoke(fn, {})
        return first, second, zygote_pid(pools)

    first, second, zygote = harness.run(scenario)
    assert first["parent"] == zygote
    assert second.ok, second.error
    assert second.payload["parent"] == os.getpid()  # spawned by the pool itself


def test_cold_mode_forks_a_new_worker_for_every_invocation(harness):
    fn = harness.function("import os\nCOUNT = []\n\ndef handler(event, context):\n"
                          "    COUNT.append(1)\n    return [os.getpid(), len(COUNT)]\n")  # fmt: skip

    async def scenario(pools: WorkerPools):
        return [(await pools.invoke(fn, {})).payload for _ in range(3)]

    runs = harness.run(scenario, cold=True)
    assert len({pid for pid, _ in runs}) == 3
    assert [count for _, count in runs] == [1, 1, 1]


def test_a_request_the_zygote_cannot_read_fails_alone_and_the_zygote_keeps_forking(harness):
    fn = harness.function(REPORT)
    other = harness.function(REPORT, name="get-other")

    async def scenario(pools: WorkerPools):
        await pools.invoke(fn, {})
        zygote = pools.zygote
        assert zygote is not None and zygote._requests is not None
        sock, peer = socket.socketpair()
        out_r, out_w = os.pipe()
        answer = asyncio.get_running_loop().create_future()
        zygote._pending.append(answer)
        socket.send_fds(zygote._requests, [b"not json"], [peer.fileno(), out_w])
        for item in (sock, peer):
            item.close()
        for fd in (out_r, out_w):
            os.close(fd)
        refused = await answer
        later = (await pools.invoke(other, {})).payload
        return refused, later, zygote_pid(pools)

    refused, later, zygote = harness.run(scenario)
    assert refused["forked"] == 0 and refused["error"]
    assert later["parent"] == zygote
