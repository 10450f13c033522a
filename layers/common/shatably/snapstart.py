"""SnapStart: what must be created afresh after a snapshot is restored.

A snapshot freezes module state. Cached clients hold connections (and credentials) from the moment
of the snapshot, and every restored copy would share one random state, so both are rebuilt.

The other way round, a snapshot only saves the imports that ran before it: the provider SDKs and
boto3 are imported lazily (a route that does not need them never pays for them), so without help
the first request after every restore would import google.genai/openai (~0.4 s) and boto3
(~0.1 s). The before-snapshot hook imports them, and only them: no client, no key, no connection
exists in the snapshot.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable

from shatably.settings import Capability


def after_restore() -> None:
    from shatably.providers import registry
    from shatably.settings import reset_settings
    from shatably.storage.aws import reset_clients

    random.seed(os.urandom(32))
    reset_settings()  # also forgets cached secrets
    registry.reset()  # provider clients and their connection pools
    reset_clients()  # boto3 clients


def before_snapshot(capabilities: Iterable[Capability]) -> list[str]:
    """Import what the first request after a restore needs; returns the provider adapters imported."""
    from shatably.providers import registry

    adapters = registry.preload(capabilities)
    import boto3  # botocore's client machinery: every data route creates a client
    import boto3.dynamodb.types  # noqa: F401  # the table's (de)serialiser

    return adapters


def register(capabilities: Iterable[Capability] = ()) -> bool:
    """Register the hooks with the Lambda runtime; a no-op outside SnapStart-enabled Lambda.

    ``capabilities`` are the provider capabilities this function serves (chat, generate, edit):
    their SDKs are imported before the snapshot is taken.
    """
    try:
        import snapshot_restore_py as runtime  # provided by the Lambda runtime
    except ImportError:
        return False
    runtime.register_after_restore(after_restore)
    register_before = getattr(runtime, "register_before_snapshot", None)
    wanted = tuple(capabilities)
    if register_before is not None:

        def preload() -> None:
            before_snapshot(wanted)

        register_before(preload)
    return True
