"""After a SnapStart restore, clients and randomness are created afresh."""

from __future__ import annotations

import random
import sys
import types

import pytest


def test_restore_rebuilds_cached_clients_and_reseeds_randomness() -> None:
    from shatably import snapstart
    from shatably.providers import registry
    from shatably.settings import get_settings

    provider_before = registry.chat_provider()
    settings_before = get_settings()
    random.seed(1234)
    draw_after_fixed_seed = random.random()
    random.seed(1234)

    snapstart.after_restore()

    assert registry.chat_provider() is not provider_before
    assert get_settings() is not settings_before
    assert random.random() != draw_after_fixed_seed  # every restored copy gets its own stream


def test_the_hook_is_registered_with_the_runtime_when_it_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    from shatably import snapstart

    registered: list[object] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)

    assert snapstart.register() is True
    assert registered == [snapstart.after_restore]


def test_outside_lambda_registration_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    from shatably import snapstart

    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    assert snapstart.register() is False
