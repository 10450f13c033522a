"""Machine-checkable expectations on a designer's structured answer (the /chat/ response).

Each key of a scenario's ``expect`` is one check; each check reads the response, never the
wording, except language (``detect_lang`` on the text) and leaks (the instruction's own sentences).

  lang            the answer's text is in this language ("ar" | "en")
  reply_lang      the response's ``lang`` field (e.g. "franco" when asked for)
  written         how the message was read ("ar" | "en" | "franco")
  asks            the designer asked one or two questions
  no_invented_size  no room in the plan has a size the user did not give (none was given)
  plan            a plan exists (true) or not (false)
  state, grade, style, budget_egp   the plan's field has this value
  budget_verdict  the plan's estimate judges the budget
  over_budget     the estimate says the budget does not fit
  room_names      these rooms are in the plan under the user's word
  sized           these rooms have a size
  sized_count     at least this many rooms have a size
  finish          [{room | room_type, surface, type: [allowed]}]: the surface's finish is one of these
  changes         exactly these plan fields changed in the last turn (amended, not replaced)
  changes_include these fields are among the changes
  drawing         the drawing's operation is one of these
  no_drawing      nothing was drawn or asked to be drawn
  edited          the drawn image's source is the photo with this label ("room")
  no_leak         the answer does not repeat the designer's instruction
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shatably.catalog.lang import detect_lang, detect_script, fold

# Sentences only the instruction has: an answer containing one has leaked it.
_INSTRUCTION_MARKERS = (
    "You are Shatably's interior designer",
    "Known style ids",
    "Answer as JSON matching the response schema",
    "What you know about Egyptian flats",
)


@dataclass(frozen=True)
class Outcome:
    check: str
    passed: bool
    detail: str = ""


@dataclass
class Turn:
    """What a check sees: the last response, and the photo ids by label."""

    response: dict[str, Any]
    photos: dict[str, str]

    @property
    def plan(self) -> dict[str, Any] | None:
        plan = self.response.get("plan")
        return plan if isinstance(plan, dict) else None

    @property
    def rooms(self) -> list[dict[str, Any]]:
        return list((self.plan or {}).get("rooms") or [])

    def room(self, spec: dict[str, Any]) -> dict[str, Any] | None:
        for room in self.rooms:
            if "room" in spec and _same_name(room.get("name", ""), spec["room"]):
                return room
            if "room_type" in spec and room.get("type") == spec["room_type"]:
                return room
        return None


def _same_name(a: str, b: str) -> bool:
    return fold(a) == fold(b)


def _sized(room: dict[str, Any]) -> bool:
    return any(room.get(k) for k in ("length_m", "area_m2", "rects"))


def _budget(turn: Turn) -> dict[str, Any] | None:
    estimate = (turn.plan or {}).get("estimate") or {}
    budget = estimate.get("budget")
    return budget if isinstance(budget, dict) else None


def _lang(turn: Turn, expected: str) -> Outcome:
    got = detect_lang(turn.response.get("response", ""))
    return Outcome("lang", got == expected, f"answered in {got}")


def _reply_lang(turn: Turn, expected: str) -> Outcome:
    field = turn.response.get("lang")
    if expected == "franco":
        script = detect_script(turn.response.get("response", ""))
        return Outcome("reply_lang", field == "franco" and script == "franco", f"lang={field}, text={script}")
    return Outcome("reply_lang", field == expected, f"lang={field}")


def _asks(turn: Turn, expected: bool) -> Outcome:
    questions = turn.response.get("questions") or []
    asked = 1 <= len(questions) <= 2
    return Outcome("asks", asked == expected, f"{len(questions)} question(s)")


def _no_invented_size(turn: Turn, expected: bool) -> Outcome:
    invented = [r.get("name") for r in turn.rooms if _sized(r)]
    return Outcome("no_invented_size", (not invented) == expected, f"sized: {invented}")


def _plan(turn: Turn, expected: bool) -> Outcome:
    return Outcome("plan", (turn.plan is not None) == expected, "plan" if turn.plan else "no plan")


def _field(name: str) -> Callable[[Turn, Any], Outcome]:
    def check(turn: Turn, expected: Any) -> Outcome:
        got = (turn.plan or {}).get(name)
        return Outcome(name, got == expected, f"{name}={got!r}")

    return check


def _budget_verdict(turn: Turn, expected: bool) -> Outcome:
    budget = _budget(turn)
    return Outcome("budget_verdict", (budget is not None) == expected, f"budget={budget is not None}")


def _over_budget(turn: Turn, expected: bool) -> Outcome:
    budget = _budget(turn)
    over = budget is not None and budget.get("fits") is False
    subs = len(budget.get("substitutions") or []) if budget else 0
    return Outcome(
        "over_budget", over == expected, f"fits={budget and budget.get('fits')}, {subs} substitution(s)"
    )


def _room_names(turn: Turn, expected: list[str]) -> Outcome:
    names = [r.get("name", "") for r in turn.rooms]
    missing = [n for n in expected if not any(_same_name(name, n) for name in names)]
    return Outcome("room_names", not missing, f"rooms {names}")


def _sized_names(turn: Turn, expected: list[str]) -> Outcome:
    unsized = [
        n for n in expected if not any(_same_name(r.get("name", ""), n) and _sized(r) for r in turn.rooms)
    ]
    return Outcome("sized", not unsized, f"unsized: {unsized}")


def _sized_count(turn: Turn, expected: int) -> Outcome:
    count = sum(1 for r in turn.rooms if _sized(r))
    return Outcome("sized_count", count >= expected, f"{count} sized room(s)")


def _finish(turn: Turn, expected: list[dict[str, Any]]) -> Outcome:
    wrong = []
    for spec in expected:
        room = turn.room(spec)
        finish = (room or {}).get(spec["surface"]) or {}
        kind = finish.get("type") if isinstance(finish, dict) else finish
        if kind not in spec["type"]:
            wrong.append(f"{spec.get('room') or spec.get('room_type')}.{spec['surface']}={kind}")
    return Outcome("finish", not wrong, "; ".join(wrong))


def _change_fields(turn: Turn) -> set[str]:
    return {c.get("field", "") for c in turn.response.get("changes") or []}


def _changes(turn: Turn, expected: list[str]) -> Outcome:
    got = _change_fields(turn)
    return Outcome("changes", got == set(expected), f"changed {sorted(got)}")


def _changes_include(turn: Turn, expected: list[str]) -> Outcome:
    got = _change_fields(turn)
    return Outcome("changes_include", set(expected) <= got, f"changed {sorted(got)}")


def _drawing(turn: Turn, expected: list[str]) -> Outcome:
    drawing = turn.response.get("drawing") or {}
    operation = drawing.get("operation")
    return Outcome("drawing", operation in expected, f"operation={operation}, status={drawing.get('status')}")


def _no_drawing(turn: Turn, expected: bool) -> Outcome:
    none = not turn.response.get("drawing") and not turn.response.get("images")
    return Outcome("no_drawing", none == expected, "nothing drawn" if none else "drew")


def _edited(turn: Turn, expected: str) -> Outcome:
    images = turn.response.get("images") or []
    jobs = turn.response.get("jobs") or []
    source = images[0].get("parent_id") if images else None
    wanted = turn.photos.get(expected)
    if not images and jobs:
        return Outcome("edited", False, "drawn as a job: source not checked")
    return Outcome(
        "edited",
        source is not None and source == wanted,
        f"source={'the ' + expected if source == wanted else source}",
    )


def _no_leak(turn: Turn, expected: bool) -> Outcome:
    text = turn.response.get("response", "")
    leaked = [m for m in _INSTRUCTION_MARKERS if m.lower() in text.lower()]
    return Outcome("no_leak", (not leaked) == expected, f"leaked {leaked}" if leaked else "")


CHECKS: dict[str, Callable[[Turn, Any], Outcome]] = {
    "lang": _lang,
    "reply_lang": _reply_lang,
    "written": lambda turn, expected: Outcome(
        "written", turn.response.get("written") == expected, f"written={turn.response.get('written')}"
    ),
    "asks": _asks,
    "no_invented_size": _no_invented_size,
    "plan": _plan,
    "state": _field("state"),
    "grade": _field("grade"),
    "style": _field("style"),
    "budget_egp": _field("budget_egp"),
    "budget_verdict": _budget_verdict,
    "over_budget": _over_budget,
    "room_names": _room_names,
    "sized": _sized_names,
    "sized_count": _sized_count,
    "finish": _finish,
    "changes": _changes,
    "changes_include": _changes_include,
    "drawing": _drawing,
    "no_drawing": _no_drawing,
    "edited": _edited,
    "no_leak": _no_leak,
}


def run_checks(turn: Turn, expect: dict[str, Any]) -> list[Outcome]:
    unknown = set(expect) - set(CHECKS)
    if unknown:
        raise ValueError(f"unknown checks: {sorted(unknown)}")
    return [CHECKS[name](turn, value) for name, value in expect.items()]
