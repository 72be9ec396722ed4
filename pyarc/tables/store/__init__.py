"""The tables store: tables and items, the journal, TTL and change listeners.

Nothing here knows about requests: the operations (`pyarc.tables.operations`) validate a
request and then read and change the store; the store never imports them back.
"""
