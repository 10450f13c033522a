"""An answer cut at the output cap: what the designer said before the cut is what the user gets."""

from __future__ import annotations

import json

import pytest

from shatably.chat.service import cut_reply_text

REPLY = {
    "reply": 'Paint the walls a warm sand; "linen" curtains.\nThen rugs.',
    "plan": {"palette": ["#d8c3a5"]},
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain text stops here", "Plain text stops here"),  # plain text stands as it came
        ('{"reply": "Paint the walls a warm', "Paint the walls a warm"),
        ('{\n  "reply": "Paint the \\"oak', 'Paint the "oak'),  # escapes decoded
        ('{"reply": "Paint\\', "Paint"),  # cut inside an escape
        ('{"reply": "\\u0627\\u0647\\u0644\\u0627 \\u06', "اهلا"),  # cut inside a \\u escape (Arabic)
        ('{"reply": "Hi \\ud83d', "Hi"),  # a high surrogate whose pair was cut off
        ('{\n  "coaching": "', ""),  # rw §3's real cut: nothing said yet
        ('{"plan": {"palette": ["#d8', ""),  # the reply never started
        (json.dumps(REPLY)[:-12], REPLY["reply"]),  # the reply complete, the plan cut
    ],
)
def test_cut_reply_text(text, expected):
    assert cut_reply_text(text) == expected


def test_every_cut_of_an_arabic_answer_is_valid_text():
    full = json.dumps({"reply": 'اهلا 😀 بيك "يا" \\ صديقي', "plan": None})  # ASCII-escaped, as sent
    for end in range(len(full) + 1):
        cut = cut_reply_text(full[:end])
        cut.encode("utf-8")  # never a lone surrogate
        assert 'اهلا 😀 بيك "يا" \\ صديقي'.startswith(cut)
