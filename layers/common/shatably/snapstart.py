"""SnapStart: what must be created afresh after a snapshot is restored.

A snapshot freezes module state. Cached clients hold connections (and credentials) from the moment
of the snapshot, and every restored copy would share one random state, so both are rebuilt.

The other way round, a snapshot only saves the imports that ran before it: the provider SDKs and
botocore are imported lazily (a route that does not need them never pays for them), so without help
the first request after every restore would import google.genai/openai (~0.4 s) and botocore
(~0.1 s) and parse botocore's service models (~30 ms). The before-snapshot hook does that work,
and only that: no client, no key, no credentials, no connection exists in the snapshot.
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
    reset_clients()  # AWS clients and their session
    _forget_module_caches()


# Module-level caches that hold clients (and so connection pools and credentials). Nothing fills
# them before a snapshot today (clients are built on first use), so this is a guard for the day
# something warms a client during INIT: a restored copy must never reuse a snapshotted pool.
_CLIENT_CACHES = (
    ("shatably.providers.gemini", "_clients"),  # genai.Client per base URL and API version
    ("shatably.providers.openai_provider", "_clients"),  # AsyncOpenAI per event loop
)  # (the SSM provider and its cached keys go with reset_settings: secrets.clear_cache())
_LRU_CACHES = (("shatably.billing", "_persistence_layer"),)  # idempotency layer on a DynamoDB client


def _forget_module_caches() -> None:
    import sys

    for module_name, attribute in _CLIENT_CACHES:
        cache = getattr(sys.modules.get(module_name), attribute, None)
        if cache is not None:
            cache.clear()
    for module_name, attribute in _LRU_CACHES:
        cached = getattr(sys.modules.get(module_name), attribute, None)
        if cached is not None:
            cached.cache_clear()


def before_snapshot(capabilities: Iterable[Capability]) -> list[str]:
    """Import what the first request after a restore needs; returns the provider adapters imported."""
    # Keyed (idempotent) requests and provider keys kept in SSM reach boto3 through Powertools'
    # idempotency persistence and parameters, which import it at module level.
    import aws_lambda_powertools.utilities.idempotency.persistence.dynamodb
    import aws_lambda_powertools.utilities.parameters  # noqa: F401

    import shatably.images  # noqa: F401  # Pillow and the pipeline, loaded on first use otherwise
    from shatably.providers import registry
    from shatably.storage.aws import preload_models

    wanted = tuple(capabilities)
    adapters = registry.preload(wanted)
    preload_models()  # botocore, and the service models and endpoint data it parses (~30 ms)
    if "chat" in wanted:
        # POST /estimate lives in the chat function: its models and the built-in price book
        # (pure data, no client) are imported lazily otherwise, on the first estimate.
        from shatably.chat import plan  # noqa: F401  # the designer's plan, built on the estimator's models
        from shatably.estimate import pricebook, service  # noqa: F401

        pricebook.built_in()
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
