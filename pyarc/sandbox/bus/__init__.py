"""Events, queues, schedules and table streams in the sandbox.

`EventBus` (bus.py) delivers to the app's subscribers; `wire.create_app` serves its
SNS/SQS wire protocol on the events port (default 4444); `Invoker` backs
`pyarc invoke`. `pyarc.sandbox.server.SandboxServer` builds and wires all three.
"""
