"""S3's errors: code, HTTP status and wording as S3 sends them (the S3 API reference's
"Error responses" list), plus the extra elements S3 puts next to `<Message>`."""

from __future__ import annotations


class S3Error(Exception):
    def __init__(self, code: str, message: str, status: int, **fields: str | int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.fields = fields  # e.g. BucketName, Key, UploadId: more <Error> children


def no_such_bucket(bucket: str) -> S3Error:
    return S3Error("NoSuchBucket", "The specified bucket does not exist", 404, BucketName=bucket)


def no_such_key(key: str) -> S3Error:
    return S3Error("NoSuchKey", "The specified key does not exist.", 404, Key=key)


def no_such_upload(upload_id: str) -> S3Error:
    return S3Error(
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload "
        "may have been aborted or completed.",
        404,
        UploadId=upload_id,
    )


def bucket_already_owned(bucket: str) -> S3Error:
    return S3Error(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        BucketName=bucket,
    )


def bucket_not_empty(bucket: str) -> S3Error:
    return S3Error(
        "BucketNotEmpty", "The bucket you tried to delete is not empty", 409, BucketName=bucket
    )


def invalid_bucket_name(bucket: str) -> S3Error:
    return S3Error(
        "InvalidBucketName", "The specified bucket is not valid.", 400, BucketName=bucket
    )


def invalid_range(size: int, asked: str) -> S3Error:
    return S3Error(
        "InvalidRange",
        "The requested range is not satisfiable",
        416,
        RangeRequested=asked,
        ActualObjectSize=size,
    )


def invalid_argument(message: str, name: str, value: str) -> S3Error:
    return S3Error("InvalidArgument", message, 400, ArgumentName=name, ArgumentValue=value)


def invalid_request(message: str) -> S3Error:
    return S3Error("InvalidRequest", message, 400)


def malformed_xml() -> S3Error:
    return S3Error(
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published "
        "schema",
        400,
    )


def invalid_part() -> S3Error:
    return S3Error(
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been "
        "uploaded, or the specified entity tag may not match the part's entity tag.",
        400,
    )


def invalid_part_order() -> S3Error:
    return S3Error(
        "InvalidPartOrder",
        "The list of parts was not in ascending order. Parts must be ordered by part number.",
        400,
    )


def entity_too_small(size: int) -> S3Error:
    return S3Error(
        "EntityTooSmall",
        "Your proposed upload is smaller than the minimum allowed size",
        400,
        ProposedSize=size,
        MinSizeAllowed=5 * 1024 * 1024,
    )


def key_too_long(size: int) -> S3Error:
    return S3Error("KeyTooLongError", "Your key is too long", 400, Size=size, MaxSizeAllowed=1024)


def precondition_failed(condition: str) -> S3Error:
    return S3Error(
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        412,
        Condition=condition,
    )


def illegal_location(constraint: str | None) -> S3Error:
    named = f"The {constraint} location constraint" if constraint else (
        "The unspecified location constraint"
    )
    return S3Error(
        "IllegalLocationConstraintException",
        f"{named} is incompatible for the region specific endpoint this request was sent to.",
        400,
    )


def method_not_allowed(method: str, resource: str) -> S3Error:
    return S3Error(
        "MethodNotAllowed",
        "The specified method is not allowed against this resource.",
        405,
        Method=method,
        ResourceType=resource,
    )


def not_implemented(what: str) -> S3Error:
    return S3Error(
        "NotImplemented",
        f"A header or query you provided implies functionality that is not implemented "
        f"(the sandbox's S3 does not serve {what}).",
        501,
    )
