"""A Lambda context for calling handlers directly, as the runtime would."""

from __future__ import annotations

import time
import uuid


class FakeContext:
    function_name = "shatably-test"
    function_version = "$LATEST"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:shatably-test"
    log_group_name = "/aws/lambda/shatably-test"
    log_stream_name = "test"

    def __init__(self, timeout_seconds: float = 300) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
