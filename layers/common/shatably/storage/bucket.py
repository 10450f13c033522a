"""The private media bucket: per-owner, content-addressed keys; presigned POST in, presigned GET out.

Keys:
  uploads/<owner>/<upload_id>     what a browser posted (untrusted; re-checked when read)
  clean/<owner>/<sha256>.<ext>    sanitised inputs (same bytes stored once)
  results/<owner>/<sha256>.<ext>  generated and edited images
  exports/<owner>/<job_id>.zip    a project's export (expires after a day)
"""

from __future__ import annotations

import re
from typing import Any

from shatably.errors import ProblemError
from shatably.settings import get_settings
from shatably.storage.aws import aws_faults, client

_STORAGE = "storage_unavailable"
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def clean_key(owner: str, digest: str, fmt: str) -> str:
    return f"clean/{owner}/{digest}.{EXTENSIONS[fmt]}"


def result_key(owner: str, digest: str, fmt: str) -> str:
    return f"results/{owner}/{digest}.{EXTENSIONS[fmt]}"


OWNER_PREFIXES = ("uploads", "clean", "results", "exports")


def export_key(owner: str, job_id: str) -> str:
    return f"exports/{owner}/{job_id}.zip"


def upload_key(owner: str, upload_id: str) -> str:
    if not _UPLOAD_ID.match(upload_id):
        # Only our own ids resolve; anything else could be a key-injection attempt.
        raise ProblemError("upload_not_found")
    return f"uploads/{owner}/{upload_id}"


class Bucket:
    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def _s3(self) -> Any:
        return client("s3")

    def put(self, key: str, data: bytes, content_type: str) -> None:
        with aws_faults(_STORAGE, "store the image"):
            self._s3.put_object(
                Bucket=self.name,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl="private, max-age=900",
            )

    def get(self, key: str, *, max_bytes: int, missing: str = "image_not_found") -> bytes:
        """Read an object, refusing one larger than ``max_bytes`` without downloading it."""
        from botocore.exceptions import ClientError

        try:
            with aws_faults(_STORAGE, "read the image"):
                try:
                    head = self._s3.head_object(Bucket=self.name, Key=key)
                except ClientError as exc:
                    if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                        raise _Missing from exc
                    raise
                if int(head.get("ContentLength", 0)) > max_bytes:
                    # Real S3 enforces the POST policy; moto does not, so the size is checked again.
                    raise ProblemError("payload_too_large", detail=f"The image exceeds {max_bytes} bytes.")
                body: bytes = self._s3.get_object(Bucket=self.name, Key=key)["Body"].read()
                return body
        except _Missing as exc:
            raise ProblemError(missing) from exc

    def delete(self, keys: list[str]) -> None:
        with aws_faults(_STORAGE, "delete images"):
            for start in range(0, len(keys), 1000):
                chunk = keys[start : start + 1000]
                self._s3.delete_objects(
                    Bucket=self.name, Delete={"Objects": [{"Key": k} for k in chunk], "Quiet": True}
                )

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix`` (one owner's folder: a listing, not a scan of the bucket)."""
        found: list[str] = []
        with aws_faults(_STORAGE, "list your files"):
            paginator = self._s3.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.name, Prefix=prefix):
                found.extend(o["Key"] for o in page.get("Contents", []))
        return found

    def presign_get(self, key: str, content_type: str, filename: str, *, disposition: str = "inline") -> str:
        settings = get_settings()
        with aws_faults(_STORAGE, "sign a download link"):
            url: str = self._s3.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.name,
                    "Key": key,
                    # Forced type and disposition: a stored object is never sniffed as HTML.
                    "ResponseContentType": content_type,
                    "ResponseContentDisposition": f'{disposition}; filename="{filename}"',
                },
                ExpiresIn=settings.presign_ttl_seconds,
            )
        return url

    def presign_post(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        settings = get_settings()
        with aws_faults(_STORAGE, "prepare the upload"):
            post: dict[str, Any] = self._s3.generate_presigned_post(
                Bucket=self.name,
                Key=key,
                Fields={"Content-Type": content_type},
                Conditions=[
                    ["content-length-range", 1, max_bytes],
                    ["starts-with", "$Content-Type", "image/"],
                ],
                ExpiresIn=settings.upload_ttl_seconds,
            )
        return post


class _Missing(Exception):
    pass


def get_bucket() -> Bucket:
    return Bucket(get_settings().bucket_name)
