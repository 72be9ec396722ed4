"""S3's REST-XML wire protocol over ASGI, in front of an `S3Store` (app.py is the entry)."""
