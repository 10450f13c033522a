"""A chat turn's own decisions: which photo is the room, what the studio is asked, what is shown."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from shatably.chat.plan import DesignerReply, DrawingRequest
from shatably.chat.service import Photos, _photos, drawing_input, mentions_reference, readable_text
from shatably.studio.models import EditInput, GenerateInput

ROOM, IDEA, OTHER = "a" * 32, "b" * 32, "c" * 32


def attached(*ids: str) -> list[Any]:
    return [SimpleNamespace(record=SimpleNamespace(image_id=i)) for i in ids]


def reply(**drawing: Any) -> DesignerReply:
    wish = {"operation": "restyle", "prompt": "Restyle it."} | drawing if drawing else None
    return DesignerReply.model_validate({"reply": "ok", "drawing": wish})


@pytest.mark.parametrize(
    "message", ["عايزها زي الصورة دي", "زى الصوره دى", "I want it like this one", "use this as inspiration"]
)
def test_like_this_photo_is_a_reference(message: str) -> None:
    assert mentions_reference(message)


@pytest.mark.parametrize("message", ["دي الصالة بتاعتي", "here is my living room", "paint it like new"])
def test_other_words_are_not(message: str) -> None:
    assert not mentions_reference(message)


def test_a_new_photo_with_reference_words_is_the_reference_and_the_earlier_room_is_edited() -> None:
    assert _photos("عايزها زي الصورة دي", reply(), attached(IDEA), ROOM) == Photos(room=ROOM, reference=IDEA)


def test_two_new_photos_with_reference_words_are_room_then_reference() -> None:
    got = _photos("this is my bedroom, I want it like this one", reply(), attached(ROOM, IDEA), None)
    assert got == Photos(room=ROOM, reference=IDEA)


def test_the_designers_numbering_wins_over_the_order() -> None:
    wish = reply(operation="reference", room_photo=2, reference_photo=1)
    assert _photos("like this", wish, attached(IDEA, ROOM), OTHER) == Photos(room=ROOM, reference=IDEA)


def test_without_reference_words_the_newest_photo_is_the_room() -> None:
    assert _photos("دي الصالة", reply(), attached(OTHER, ROOM), IDEA) == Photos(room=ROOM, reference=None)
    assert _photos("make it modern", reply(), [], ROOM) == Photos(room=ROOM, reference=None)


def test_a_photo_number_that_does_not_exist_is_ignored() -> None:
    wish = reply(room_photo=5)
    assert _photos("restyle", wish, attached(ROOM), None) == Photos(room=ROOM, reference=None)


def wish(**fields: Any) -> DrawingRequest:
    return DrawingRequest.model_validate({"operation": "restyle", "prompt": "Do it.", **fields})


def test_a_repaint_carries_colour_and_walls() -> None:
    kind, request = drawing_input(
        wish(operation="repaint", colour="أخضر زيتي", regions=["walls"]), Photos(room=ROOM, reference=None)
    )
    assert kind == "edit" and isinstance(request, EditInput)
    assert (request.operation, request.color, request.regions) == ("repaint", "أخضر زيتي", ["walls"])
    assert request.image.image_id == ROOM


def test_a_reference_edit_names_both_photos() -> None:
    _, request = drawing_input(wish(operation="reference"), Photos(room=ROOM, reference=IDEA))
    assert isinstance(request, EditInput) and request.operation == "reference"
    assert (
        request.image.image_id == ROOM
        and request.reference is not None
        and request.reference.image_id == IDEA
    )


def test_a_reference_without_an_inspiration_photo_is_a_restyle() -> None:
    _, request = drawing_input(wish(operation="reference"), Photos(room=ROOM, reference=None))
    assert isinstance(request, EditInput) and request.operation == "restyle" and request.reference is None


def test_finishing_a_bare_room_carries_its_type_and_the_plans_grade() -> None:
    _, request = drawing_input(
        wish(operation="finish", room_type="صالة", style="modern"), Photos(room=ROOM, reference=None), "lux"
    )
    assert isinstance(request, EditInput)
    assert (request.operation, request.room_type, request.grade, request.style) == (
        "finish",
        "living_room",
        "lux",
        "modern",
    )


def test_without_a_room_photo_every_operation_generates() -> None:
    kind, request = drawing_input(
        wish(operation="repaint", style="japandi"), Photos(room=None, reference=None)
    )
    assert kind == "generate" and isinstance(request, GenerateInput) and request.style == "japandi"


def test_an_unknown_style_is_not_passed_on() -> None:
    _, request = drawing_input(wish(style="spaceship chic"), Photos(room=ROOM, reference=None))
    assert request.style is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Plain text stands.", "Plain text stands."),
        ('{"reply": "الأرضية باركيه", "plan": {"style": 3}}', "الأرضية باركيه"),
        ('{"reply": "Paint the walls sa', "Paint the walls sa"),
        ('{"plan": {"rooms": [', "My answer was cut short. Could you ask again, maybe one room at a time?"),
    ],
)
def test_an_answer_without_usable_structure_is_never_shown_as_json(text: str, shown: str) -> None:
    assert readable_text(text, "en") == shown


def _turns(count: int, chars: int = 350) -> list[Any]:
    from shatably.storage.models import TurnRecord

    # 350 characters a turn at 3.5 characters a token: 100 estimated tokens each.
    return [
        TurnRecord(
            session_id="s",
            index=i,
            user_text="u" * (chars // 2),
            reply="r" * (chars // 2),
            provider="p",
            model="m",
        )
        for i in range(1, count + 1)
    ]


def test_old_turns_leave_half_a_window_at_a_time_so_the_prefix_holds_between_trims() -> None:
    from shatably.chat.service import _first_kept

    def first(turn_count: int, budget: int = 10_000) -> int:
        window = _turns(turn_count)[-20:]  # what recent_turns(session, 20) returns
        return _first_kept(window, turn_count, 20, budget)[0].index

    # Up to 20 earlier turns all stay; the 21st drops turns 1-10 at once, and the start stays at 11
    # until 31 turns, then jumps to 21.
    assert [first(n) for n in (20, 21, 25, 30, 31, 35)] == [1, 11, 11, 11, 21, 21]
    # The token budget trims in the same blocks: 15 turns of 100 tokens over a 1,000 budget drop
    # turns 1-10 (not just 1-5), and keep doing so as the conversation grows to 20 turns.
    assert [first(n, budget=1_000) for n in (15, 17, 20)] == [11, 11, 11]
    # Only when the newest block alone is over the budget do turns leave one by one (the newest stays).
    assert first(20, budget=450) == 17
    assert first(20, budget=50) == 20
