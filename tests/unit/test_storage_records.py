"""Records survive the trip to DynamoDB's attribute format and back, exactly as stored."""

from __future__ import annotations

import pytest

from shatably.storage.models import ImageRecord, JobRecord, TurnRecord
from shatably.storage.table import _attribute, _deserialize, _serialize


def test_a_turn_round_trips_with_its_plan_usage_and_image_lists() -> None:
    turn = TurnRecord(
        session_id="s1",
        index=3,
        user_text="عايز أدهن الصالة لون هادي",
        image_ids=["a" * 32, "b" * 32],
        reply="Try a warm greige.",
        plan={"palette": [{"name": "greige", "hex": "#B8AFA4"}], "budget": None, "area_m2": 18},
        usage={"input_tokens": 120, "output_tokens": 80},
        provider="offline",
        model="offline-1",
    )
    item = _serialize(turn)
    assert item["user_text"] == {"S": "عايز أدهن الصالة لون هادي"}
    assert item["index"] == {"N": "3"}
    assert item["image_ids"] == {"L": [{"S": "a" * 32}, {"S": "b" * 32}]}
    assert "finish_reason" not in item and "images_out" not in item  # None and [] are not stored
    assert _deserialize(item, TurnRecord) == turn


def test_a_job_and_an_image_round_trip() -> None:
    job = JobRecord(owner="o1", kind="generate", request={"prompt": "a calm room", "n": 2}, attempts=1)
    assert _deserialize(_serialize(job), JobRecord) == job
    image = ImageRecord(owner="o1", s3_key="k", format="png", width=1024, height=768, operation="generate")
    assert _deserialize(_serialize(image), ImageRecord) == image


def test_flags_nested_values_and_nulls_have_their_own_types() -> None:
    assert _attribute(True) == {"BOOL": True}  # not {"N": "1"}: bool is an int in Python
    assert _attribute({"a": [1, None]}) == {"M": {"a": {"L": [{"N": "1"}, {"NULL": True}]}}}


def test_values_without_a_lossless_attribute_are_refused() -> None:
    with pytest.raises(TypeError, match="float"):
        _attribute(0.1)
