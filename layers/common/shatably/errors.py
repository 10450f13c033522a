"""The one error vocabulary: every failure a caller can see is a ``ProblemError`` with a stable code.

Rendered as RFC 9457 ``application/problem+json`` by ``shatably.web.problems``.
"""

from __future__ import annotations

from typing import Any

# code -> (HTTP status, title). Titles are stable; ``detail`` carries the specifics.
CATALOGUE: dict[str, tuple[int, str]] = {
    # request shape
    "malformed_json": (400, "The request body is not valid JSON"),
    "validation_failed": (422, "The request did not pass validation"),
    "request_rejected": (400, "The request was rejected"),  # API Gateway's catch-all 4xx
    "cors_rejected": (400, "The cross-origin request is not allowed"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "payload_too_large": (413, "The request is too large"),
    "unsupported_media_type": (415, "Unsupported media type"),
    "prompt_too_long": (422, "The message is too long"),
    "too_many_images": (422, "Too many images"),
    "conversation_too_long": (422, "The conversation is too long"),
    "tokens_exceeded": (422, "The turn is too large for the model"),
    # images
    "image_too_large": (422, "The image is too large"),
    "image_undecodable": (422, "The image could not be read"),
    "image_animated": (422, "Animated images are not supported"),
    "image_empty": (422, "The image is empty"),
    "mask_mismatch": (422, "The mask does not fit the image"),
    # ownership / lookups
    "session_not_found": (404, "Session not found"),
    "image_not_found": (404, "Image not found"),
    "upload_not_found": (404, "Upload not found"),
    "job_not_found": (404, "Job not found"),
    "project_not_found": (404, "Project not found"),
    "room_not_found": (404, "Room not found"),
    "conversation_conflict": (409, "The conversation changed while answering"),
    "claim_conflict": (409, "These items were already claimed by someone else"),
    # DELETE /me began while this request or job was running: nothing it made was kept.
    "owner_erased": (409, "Your data was erased while this was running"),
    "unknown_style": (422, "Unknown style"),
    "unknown_room_type": (422, "Unknown room type"),
    "style_unsuited": (422, "The style is not offered for this space"),
    "resolution_unsupported": (422, "The image model cannot produce this resolution"),
    # auth / abuse
    "unauthenticated": (401, "Authentication required"),
    "forbidden": (403, "Forbidden"),
    "rate_limited": (429, "Too many requests"),
    "quota_exceeded": (429, "Daily quota exceeded"),
    "service_budget_exhausted": (503, "The service has reached its daily budget"),
    "idempotency_key_invalid": (400, "The Idempotency-Key header is malformed"),
    "idempotency_key_reused": (422, "The Idempotency-Key was used with a different request"),
    "idempotency_in_progress": (409, "A request with this Idempotency-Key is still in progress"),
    # providers
    "content_blocked": (422, "The content was blocked by the provider's safety system"),
    "upstream_rate_limited": (503, "The AI provider is rate limiting us"),
    "upstream_quota_exhausted": (503, "The AI provider quota is exhausted"),
    "upstream_error": (502, "The AI provider failed"),
    "upstream_timeout": (504, "The AI provider did not answer in time"),
    "upstream_auth_failed": (503, "The AI provider rejected our credentials"),
    "upstream_rejected_request": (502, "The AI provider rejected the request"),
    "upstream_empty_response": (502, "The AI provider returned nothing"),
    "upstream_invalid_response": (502, "The AI provider returned an unusable answer"),
    "upstream_truncated": (502, "The AI provider ran out of room before answering"),
    "image_not_generated": (422, "The image model could not make this image"),
    # platform
    "config_unavailable": (503, "Configuration is unavailable"),
    "dependency_unavailable": (503, "A storage dependency is unavailable"),
    "storage_unavailable": (503, "Storage is unavailable"),
    "internal_error": (500, "Internal error"),
}


# Codes a later attempt can cure: the provider or a dependency was busy, slow or briefly down. The
# job workers retry only transient problems (``ProblemError.transient``, these codes by default);
# anything else (a rejected request, an unusable answer, an exhausted quota, a block) fails the same
# way again, and each provider retry is another paid call. ``config_unavailable`` is not one: a
# missing key or parameter stays missing; the one that passes (SSM throttled or unreachable) is
# raised with ``transient=True`` by ``shatably.secrets``.
RETRYABLE_CODES = frozenset(
    {
        "upstream_rate_limited",
        "upstream_error",
        "upstream_timeout",
        "upstream_empty_response",
        "dependency_unavailable",
        "storage_unavailable",
    }
)


class ProblemError(Exception):
    """An error with a stable ``code`` that maps to an HTTP status and an RFC 9457 body."""

    def __init__(
        self,
        code: str,
        detail: str | None = None,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        extra: dict[str, Any] | None = None,
        transient: bool | None = None,
    ) -> None:
        if code not in CATALOGUE:
            raise ValueError(f"unknown problem code {code!r}")
        default_status, self.title = CATALOGUE[code]
        self.code = code
        # Whether a later attempt may succeed: the code's nature unless the raiser knows better.
        self.transient = code in RETRYABLE_CODES if transient is None else transient
        self.status = status or default_status
        self.detail = detail or self.title
        self.retry_after = retry_after
        self.extra = extra or {}
        super().__init__(f"{code}: {self.detail}")

    def to_body(
        self, request_id: str | None = None, instance: str | None = None, *, legacy: bool = False
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": f"/problems/{self.code}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
        }
        if instance:
            body["instance"] = instance
        if request_id:
            body["request_id"] = request_id
        body.update(self.extra)
        if legacy:  # the v1 frontend read {"error": ...}; problem members stay authoritative
            body["error"] = self.detail
        return body

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
