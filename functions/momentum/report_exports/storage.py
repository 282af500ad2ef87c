"""The export bucket: a job's CSV as an S3 multipart upload, its scratch objects, and the
presigned download.

The CSV streams out in parts of PART_BYTES (S3's minimum is 5 MiB for every part but
the last), so a worker holds at most one part in memory. When an invocation runs out
of time, what it has not uploaded yet is saved as a scratch object beside the file and
the next invocation starts from it: parts, pending bytes and the report's cursor
together are the whole state of an unfinished file.
"""

from __future__ import annotations

from typing import Any

from momentum.core import aws
from momentum.core.config import settings

PART_BYTES = 8 * 1024 * 1024
DOWNLOAD_SECONDS = 15 * 60  # a presigned link is short-lived; GET the job for a fresh one


def _s3() -> Any:
    return aws.client("s3")


def bucket() -> str:
    return settings().export_bucket


def start_upload(key: str) -> str:
    answer = _s3().create_multipart_upload(
        Bucket=bucket(),
        Key=key,
        ContentType="text/csv; charset=utf-8",
        ContentDisposition=f'attachment; filename="{key.rsplit("/", 1)[-1]}"',
    )
    return str(answer["UploadId"])


def upload_part(key: str, upload_id: str, number: int, data: bytes) -> str:
    answer = _s3().upload_part(
        Bucket=bucket(), Key=key, UploadId=upload_id, PartNumber=number, Body=data
    )
    return str(answer["ETag"])


def complete_upload(key: str, upload_id: str, etags: list[str]) -> None:
    parts = [{"PartNumber": number, "ETag": etag} for number, etag in enumerate(etags, 1)]
    _s3().complete_multipart_upload(
        Bucket=bucket(), Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )


def abort_upload(key: str, upload_id: str) -> None:
    _s3().abort_multipart_upload(Bucket=bucket(), Key=key, UploadId=upload_id)


def put_scratch(key: str, data: bytes) -> None:
    _s3().put_object(Bucket=bucket(), Key=key, Body=data)


def get_scratch(key: str) -> bytes:
    return bytes(_s3().get_object(Bucket=bucket(), Key=key)["Body"].read())


def delete_scratch(keys: list[str]) -> None:
    if keys:
        _s3().delete_objects(
            Bucket=bucket(), Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True}
        )


def download_url(key: str) -> str:
    """A presigned GET of the file. Minted only for a job read under the caller's org."""
    return str(
        _s3().generate_presigned_url(
            "get_object",
            Params={"Bucket": bucket(), "Key": key},
            ExpiresIn=DOWNLOAD_SECONDS,
        )
    )
