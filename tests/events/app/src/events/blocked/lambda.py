"""Waits until the test creates the file named in the payload: proves publishing never waits."""

import os
import time

from shared.record import record

from pyarc.functions import events


def handler(event, context):
    [payload] = events.parse(event)
    while not os.path.exists(payload["release"]):
        if context.get_remaining_time_in_millis() < 500:
            raise TimeoutError("never released")
        time.sleep(0.01)
    record("received", f"{payload['id']}-blocked", event)
