"""SnapStart: what must be created afresh after a snapshot is restored.

A snapshot freezes module state. Cached clients hold connections (and credentials) from the moment
of the snapshot, and every restored copy would share one random state, so both are rebuilt.
"""

from __future__ import annotations

import os
import random


def after_restore() -> None:
    from shatably.providers import registry
    from shatably.settings import reset_settings
    from shatably.storage.aws import reset_clients

    random.seed(os.urandom(32))
    reset_settings()  # also forgets cached secrets
    registry.reset()  # provider clients and their connection pools
    reset_clients()  # boto3 clients


def register() -> bool:
    """Register the hook with the Lambda runtime; a no-op outside SnapStart-enabled Lambda."""
    try:
        from snapshot_restore_py import register_after_restore  # provided by the Lambda runtime
    except ImportError:
        return False
    register_after_restore(after_restore)
    return True
