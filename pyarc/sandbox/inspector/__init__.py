"""The inspector: a live web page of the running sandbox at `http://localhost:3333/_pyarc/`.

- `recorder.py`: every invocation (HTTP, WebSocket, event, queue, schedule, stream) in a ring
  buffer, recorded where every invocation passes (the worker pools' `invoke`);
- `live.py`: server-sent events to open pages (nothing is done while no page listens);
- `guard.py`: which requests may reach it (sandbox host only; state changes same-origin with
  the page's per-run token);
- `api.py`: the page's JSON API and static files (`static/`, no build step).
"""
