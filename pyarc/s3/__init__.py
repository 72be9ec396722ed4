"""A local S3: buckets and objects (store.py, the typed Python API), multipart uploads
(multipart.py) and the REST-XML wire app boto3 talks to (http/app.py). Imports nothing of
pyarc but `wire` (a request's SigV4 scope): the sandbox mounts it behind its AWS endpoint."""

from pyarc.s3.errors import S3Error
from pyarc.s3.objects import BucketInfo, ListPage, ObjectFields, ObjectInfo
from pyarc.s3.store import S3Store

__all__ = ["BucketInfo", "ListPage", "ObjectFields", "ObjectInfo", "S3Error", "S3Store"]
