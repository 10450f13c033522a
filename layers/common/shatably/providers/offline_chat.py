"""The offline provider's chat: a designer spec built honestly from what plain parsing can read.

It is not a model and says so. From the user's words it reads the rooms (named as the user named
them), their sizes, the flat's state and grade, the budget, finishes per surface (with negations:
"من غير سقف ساقط" is a painted ceiling), the style, and what to draw from which photo. What it could
not read it leaves empty and asks for; what it had to choose (a style nobody named) it says it chose.
With a current plan in the turn context it answers with an amendment naming only what changed.
The same input always gives the same output: choices use SHA-256 of the text, never ``hash()``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from shatably.catalog import (
    ROOM_TYPES,
    STYLES,
    Lang,
    RoomType,
    Style,
    detect_lang,
    find_room_type,
    find_style,
)
from shatably.catalog.lang import ascii_digits, fold, mentions_any
from shatably.chat.budget import parse_budget
from shatably.chat.designer import CONTEXT_END, EARLIER_PHOTO, PLAN_LINE
from shatably.chat.knowledge import CLIMATE, FLAT_STATES, GRADES_INFO, ROOM_WORDS, Term, find_term, find_terms
from shatably.providers.base import ChatRequest, ChatResult, Usage

_CHARS_PER_TOKEN = 4  # a rough, stable estimate: there is no tokenizer offline
_LIVING = next(r for r in ROOM_TYPES if r.id == "living_room")
_DEFAULT_STYLE = next(s for s in STYLES if s.id == "modern")  # said as an assumption when used

_NUM = r"(\d+(?:[.,]\d+)?)"
_BY = r"\s*(?:m|cm|meters?|metres?|متر|م|سم)?\s*(?:x|×|\*|by|في|ف|fe|fi)\s*"
_DIMS = re.compile(_NUM + _BY + _NUM + rf"(?:{_BY}{_NUM})?\s*(cm|سم)?", re.IGNORECASE)
_AREA_UNIT = r"(?:متر مربع|مترمربع|م2|م٢|m2|m²|sqm|sq m|square met(?:er|re)s?|متر|meters?|metres?|metr|m)"
_AREA = re.compile(_NUM + r"\s*" + _AREA_UNIT + r"(?![\w×x*])", re.IGNORECASE)
_HEIGHT = re.compile(
    r"(?:height|ceiling|ارتفاع|الارتفاع|ارتفاعها|ارتفاعه|السقف)\D{0,12}?" + _NUM
    + "|" + _NUM + r"\s*(?:m|meters?|metres?|متر|م)?\s*(?:high|ceiling|height)",
    re.IGNORECASE,
)  # fmt: skip
_COUNT = {"windows": ("window", "windows", "شباك", "شبابيك"), "doors": ("door", "doors", "باب", "ابواب")}
_DUAL = {"windows": "شباكين", "doors": "بابين"}  # Arabic dual: "two windows" in one word
_SHOW_EN = (
    "show me", "let me see", "draw", "render", "visualize", "visualise", "sketch", "mood board",
    "moodboard", "picture", "image of", "restyle", "redesign my", "what would it look like",
)  # fmt: skip
_SHOW_AR = ("ارسم", "وري", "صور", "فرجني", "تخيل")  # word stems: ارسمهالي، وريني، صورة، صورهالي
# A negation rules a finish out when it governs it: the cue, then at most a few words that only
# carry the verb ("مش عايزين", "من غير ما نعمل", "don't want a"), then the finish. Anything else in
# between ("الصالة مش كبيرة وعايز سقف ساقط", "مش عايز غير سقف ساقط") leaves the finish wanted.
_NEGATION_CUES = ("من غير", "بدون", "بلاش", "مفيش", "ولا", "لا", "no", "without", "not", "don't", "dont",
                  "never", "skip", "men gheir", "mn gher", "men gher", "bala", "bdoon", "bedoon")  # fmt: skip
# "مش" negates a verb or the word right after it: it rules out a finish through a verb ("مش عايزة",
# "مش هنعمل", "مش لازم") or when the finish follows it ("بانوه مش سقف ساقط").
_NOT = ("مش", "msh", "mesh", "mish")
_NEGATED_VERB = ("عايز", "عاوز", "محتاج", "حابب", "لازم", "3ayz", "3ayez", "3awz", "ayz", "ayez", "awz",
                 "m7tag", "me7tag", "mehtag", "lazem", "7abb")  # fmt: skip
# Egyptian verbs in the present and future start with these (هنعمل، نركب، بنحب، يبقى، تعمل).
_VERB_PREFIXES = ("ه", "ن", "ب", "ي", "ت")
_GOVERNING = frozenset(
    ("ما", "اي", "عندنا", "فيه", "want", "need", "needs", "a", "an", "any", "to", "have", "use", "put",
     "do", "install", "add", "for", "the", "we", "i", "really", "full", "complete", "whole", "nedy", "n3ml",
     "ne3mel", "a3ml")
)  # fmt: skip
_MAX_GOVERNING_WORDS = 3
_SURFACE_WORDS: dict[str, tuple[str, ...]] = {
    "floor": ("الارضيه", "ارضيه", "الارض", "floor", "flooring", "el ard", "ard"),
    "walls": ("الحيطان", "الحيطه", "حيطان", "الحوائط", "الجدران", "walls", "wall", "7eetan", "el 7eetan"),
    "ceiling": ("السقف", "سقف", "ceiling", "sa2f", "el sa2f"),
}
_FLOOR_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("parquet", ("باركيه", "parquet", "barkeh", "barquet", "laminate", "hdf")),
    ("vinyl", ("فينيل", "vinyl", "spc")),
    ("marble", ("رخام", "marble", "جرانيت", "granite")),
    ("ceramic", ("سيراميك", "ceramic", "seramic")),
    ("porcelain", ("بورسلين", "بورسلان", "porcelain", "tiles", "بلاط")),
)
_WALL_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wall_tiles", ("سيراميك حوائط", "سيراميك حيطان", "تكسيات", "سيراميك للسقف", "لحد السقف",
                    "wall tiles", "tiled walls", "tiled to the ceiling", "tiles to the ceiling", "tiled")),
    ("stone_cladding", ("حجر", "هاشمي", "stone cladding")),
    ("wallpaper", ("ورق حائط", "ورق حيط", "ورق حايط", "والبيبر", "wallpaper")),
    # Paint is often named by its brand or sheen alone ("سايبس سوبر مات", "جوتن فينوماستك ساتان").
    ("paint", ("دهان", "بلاستيك", "paint", "ساتان", "مط", "مات", "نص لمعه", "نصف لمعه", "جوتن", "سايبس",
               "فينوماستك", "dehan", "matt", "matte", "satin", "eggshell", "jotun", "sipes", "fenomastic")),
)  # fmt: skip
_CEILING_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("gypsum_cove", ("بانوه", "بانوهات", "cove", "band", "ابليك سقف", "بيت نور")),
    ("gypsum_design", ("جبس ديزاين", "سقف ديزاين", "designed ceiling", "gypsum design")),
    ("gypsum_full", ("سقف ساقط", "سقف معلق", "جبس بورد", "جبسن بورد", "gypsum board", "drop ceiling",
                     "false ceiling", "suspended ceiling")),
)  # fmt: skip
_TILE_SIZE = re.compile(r"(\d{2,3})\s*[x×*]\s*(\d{2,3})")

# Drawing operations from the user's words (the room photo must exist for all but generate).
_OPERATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("empty", ("فضي", "فضيها", "فضيهالي", "شيل العفش", "شيل الاثاث", "من غير عفش", "empty the room",
               "empty this room", "empty it", "clear the room", "remove the furniture",
               "remove all furniture")),
    ("declutter", ("كركبه", "الكركبه", "رتب", "رتبها", "declutter", "tidy", "clean up")),
    ("stage", ("فرشها", "فرشهالي", "فرش", "افرش", "حط عفش", "stage", "furnish", "add furniture")),
    ("finish", ("شطبها", "شطبهالي", "شطبهولي", "شطب", "تشطبها", "اشطبها", "اشوفها متشطبه", "متشطبه",
                "finish it", "finished", "show me it finished", "ashtebha", "ashtbha")),
    ("repaint", ("لون الحيطان", "الحيطان لون", "ادهن", "ادهن الحيطان", "اعمل الحيطان", "خلي الحيطان",
                 "paint the walls", "repaint", "walls in", "make the walls")),
    ("swap_material", ("غير الارضيه", "خلي الارضيه", "change the floor", "make the floor", "the floor as",
                       "swap")),
    ("render", ("اسكتش", "sketch", "3d", "ثري دي", "رندر", "render this")),
)  # fmt: skip
_REFERENCE = ("زي الصوره دي", "زي الصوره", "زي دي", "زي ده", "شبه الصوره", "شبه دي", "زي كده", "الهام",
              "ريفرنس", "like this", "like this one", "like the photo", "inspiration", "inspired by",
              "reference", "zay el soura", "zay di", "zay keda")  # fmt: skip
_COLOUR_AFTER = re.compile(
    r"(?:الحيطان|الحيطه|الحوائط|walls?)\s+(?:لون\s+|باللون\s+|in\s+|to\s+|color\s+|colour\s+)?"
    r"([^\s،,.؟?!]+(?:\s+(?!و|and\b|بس\b|w\b)[^\s،,.؟?!]+)?)",
    re.IGNORECASE,
)


def _tokens(*texts: str) -> int:
    return math.ceil(sum(len(t) for t in texts) / _CHARS_PER_TOKEN)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _words(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(fold(p) for p in phrases)


def _has(folded: str, phrases: tuple[str, ...]) -> bool:
    return mentions_any(folded, _words(phrases))


_FOLDED_CUES = tuple(tuple(fold(cue).split()) for cue in _NEGATION_CUES)
_FOLDED_NOT = frozenset(fold(word) for word in _NOT)
_FOLDED_VERBS = _words(_NEGATED_VERB)
_FOLDED_GOVERNING = frozenset(fold(word) for word in _GOVERNING)
_FINISH_WORDS = frozenset(
    word
    for table in (_FLOOR_WORDS, _WALL_WORDS, _CEILING_WORDS)
    for _, phrases in table
    for phrase in phrases
    for word in fold(phrase).split()
)


@dataclass
class Size:
    length_m: float | None = None
    width_m: float | None = None
    area_m2: float | None = None
    height_m: float | None = None
    doors: int | None = None
    windows: int | None = None

    def as_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @property
    def sized(self) -> bool:
        return self.length_m is not None or self.area_m2 is not None


def parse_size(text: str) -> Size | None:
    """A room's size from free text: "4x5", "٤ في ٥ متر", "400×500 cm", "4×5×3", "الصالة 24 متر"."""
    plain = ascii_digits(text).lower().replace(",", ".")
    size = Size()
    for match in _DIMS.finditer(plain):
        scale = 0.01 if match.group(4) else 1.0
        length, width = float(match.group(1)) * scale, float(match.group(2)) * scale
        if not (1 <= length <= 30 and 1 <= width <= 30):
            continue  # a tile size ("60x60") or a typo, not a room
        size.length_m, size.width_m = length, width
        rest = plain[: match.start()] + " " + plain[match.end() :]
        if match.group(3) and 2.2 <= float(match.group(3)) * scale <= 6:
            size.height_m = float(match.group(3)) * scale
        plain = rest
        break
    if size.length_m is None:
        for match in _AREA.finditer(plain):
            value = float(match.group(1))
            if 2 <= value <= 200 and not _is_height(plain, match):
                size.area_m2 = value
                break
    stated = _HEIGHT.search(plain)
    height = stated and (stated.group(1) or stated.group(2))
    if size.height_m is None and height is not None and 2.2 <= float(height) <= 6:
        size.height_m = float(height)
    folded = f" {fold(text)} "
    for name, words in _COUNT.items():
        found = re.search(r"(\d+)\s*(?:" + "|".join(words) + r")\b", ascii_digits(folded))
        if found:
            setattr(size, name, min(int(found.group(1)), 6 if name == "doors" else 10))
        elif f" {_DUAL[name]} " in folded:
            setattr(size, name, 2)
    return size if size.sized else None


def _is_height(plain: str, match: re.Match[str]) -> bool:
    before = plain[max(0, match.start() - 14) : match.start()]
    return bool(re.search(r"height|ceiling|ارتفاع|السقف|high", before + plain[match.end() : match.end() + 8]))


def wants_picture(text: str) -> bool:
    folded = fold(text)
    padded = f" {folded} "
    if any(f" {phrase} " in padded for phrase in _SHOW_EN):
        return True
    # The stem may follow a joined "and"/"so": "وارسمهالي", "فوريني".
    words = folded.split()
    return any(w.startswith(_SHOW_AR) or (w[0] in "وف" and w[1:].startswith(_SHOW_AR)) for w in words)


def _negated(folded: str, phrase: str) -> bool:
    """Whether a negation governs the phrase ("من غير سقف ساقط", "مش عايزين جبس بورد")."""
    for match in re.finditer(rf"(?<!\S)[وبفلك]?{re.escape(phrase)}(?!\S)", folded):
        # "ومن غير": a joined "and"/"so" in front of the negation still negates.
        before = [w[1:] if len(w) > 2 and w[0] in "وف" else w for w in folded[: match.start()].split()]
        if _governs(before):
            return True
    return False


def _governs(before: list[str]) -> bool:
    """Whether the words before a finish end with a negation cue and then only verb words."""
    for gap in range(min(_MAX_GOVERNING_WORDS, len(before)) + 1):
        cut = len(before) - gap
        between = before[cut:]
        if any(not _carries_verb(word) for word in between):
            return False  # a word that is not the verb's: the negation (if any) is about it
        words = before[:cut]
        if any(_ends_with(words, cue) for cue in _FOLDED_CUES):
            return True
        # "مش" + a verb ("مش عايزين سقف ساقط"), or "مش" right before the finish ("بانوه مش سقف ساقط").
        if words and words[-1] in _FOLDED_NOT and (not between or _is_verb(between[0])):
            return True
    return False


def _carries_verb(word: str) -> bool:
    return word in _FOLDED_GOVERNING or _is_verb(word)


def _is_verb(word: str) -> bool:
    if word.startswith(_FOLDED_VERBS):
        return True
    # An Arabic present or future verb, but never a finish's own word ("بانوه", "بلاط").
    return len(word) >= 3 and word.startswith(_VERB_PREFIXES) and word not in _FINISH_WORDS


def _ends_with(words: list[str], cue: tuple[str, ...]) -> bool:
    return len(words) >= len(cue) and tuple(words[len(words) - len(cue) :]) == cue


# A negation reaches to the end of its clause: "بلاش السقف الساقط، خليه بانوه" rules out only the first.
_CLAUSE = re.compile(r"[,،.;؛!?؟\n]+|\s(?:but|instead|بس|لكن|وبدل)\s", re.IGNORECASE)
_WALL_TILE_WORDS = tuple(
    fold(w) for w in ("سيراميك حوائط", "سيراميك حيطان", "سيراميك للسقف", "wall tiles", "tiled walls")
)


def _finish(text: str, table: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str | None, list[str]]:
    """The first finish named (and not negated) in the text, and the finishes the user ruled out."""
    ruled_out: list[str] = []
    floor = table is _FLOOR_WORDS
    for clause in _CLAUSE.split(text):
        folded = fold(clause)
        if floor:  # "سيراميك حوائط" is the walls' ceramic, not the floor's
            for phrase in _WALL_TILE_WORDS:
                folded = folded.replace(phrase, " ")
        for kind, words in table:
            for word in _words(words):
                if mentions_any(folded, (word,)):
                    if _negated(folded, word):
                        ruled_out.append(kind)
                        continue
                    return kind, ruled_out
    return None, ruled_out


def _finish_object(kind: str, text: str) -> dict[str, Any]:
    finish: dict[str, Any] = {"type": kind, "tile_cm": None, "height_m": None, "band_m": None, "finish": None}
    if kind in ("porcelain", "ceramic", "wall_tiles"):
        size = _TILE_SIZE.search(ascii_digits(text))
        if size and 10 <= int(size.group(1)) <= 320 and 10 <= int(size.group(2)) <= 320:
            finish["tile_cm"] = [int(size.group(1)), int(size.group(2))]
    return finish


@dataclass
class Mention:
    """A room the user named: their word for it, its type, and the text that describes it."""

    name: str
    type: RoomType
    text: str


_ARTICLE = re.compile(r"^(?:وال|بال|فال|لل|ال)")


def _user_word(text: str, term: Term, lang: Lang) -> str:
    """The user's own word for a room ("الصالة" → "صالة"); Latin spellings get the term's name."""
    for word in sorted(term.words, key=len, reverse=True):
        target = fold(word)
        tokens = text.split()
        folded_tokens = [fold(t) for t in tokens]
        span = len(target.split())
        for i in range(len(tokens) - span + 1):
            if " ".join(folded_tokens[i : i + span]) == target:
                original = " ".join(tokens[i : i + span]).strip("،,.؟?!:")
                if any("\u0600" <= ch <= "\u06ff" for ch in original):
                    return _ARTICLE.sub("", original) if len(original) > 4 else original
                return term.name(lang)
    return term.name(lang)


def find_rooms(text: str, lang: Lang) -> list[Mention]:
    """The rooms named in the text, in order, each with the words that follow it up to the next room."""
    folded_tokens = [fold(t) for t in text.split()]
    hits: list[tuple[int, Term]] = []
    consumed = 0  # "الحمام الماستر" is one room, not a bathroom and a master bedroom
    for i in range(len(folded_tokens)):
        if i < consumed:
            continue
        window = f" {' '.join(folded_tokens[i : i + 4])} "
        for term in ROOM_WORDS:
            matched = [fold(w) for w in term.words if window.startswith(f" {fold(w)} ")]
            if matched:
                hits.append((i, term))
                consumed = i + max(len(m.split()) for m in matched)
                break
    tokens = text.split()
    mentions: list[Mention] = []
    for n, (start, term) in enumerate(hits):
        end = hits[n + 1][0] if n + 1 < len(hits) else len(tokens)
        segment = " ".join(tokens[start:end])
        room_type = find_room_type(term.id) or _LIVING
        name = _user_word(segment, term, lang)
        if any(fold(m.name) == fold(name) for m in mentions):
            continue
        mentions.append(Mention(name=name, type=room_type, text=segment))
    return mentions


@dataclass
class Reading:
    """Everything the offline designer could read from a message."""

    rooms: list[dict[str, Any]] = field(default_factory=list)
    state: str | None = None
    grade: str | None = None
    budget: int | None = None
    style: Style | None = None
    climate: list[Term] = field(default_factory=list)
    ruled_out: list[str] = field(default_factory=list)


def read_message(
    text: str, lang: Lang, *, default_room: RoomType | None = None, unnamed_room: bool = True
) -> Reading:
    """What the message says. ``unnamed_room``: a size with no room named is a new room (only when
    there is no plan yet; with a plan, it resizes the plan's one room, see ``_amendment``)."""
    reading = Reading(
        state=(t.id if (t := find_term(FLAT_STATES, text)) else None),
        grade=(t.id if (t := find_term(GRADES_INFO, text)) else None),
        budget=parse_budget(text),
        style=find_style(text),
        climate=find_terms(CLIMATE, text),
    )
    mentions = find_rooms(text, lang)
    if not mentions and unnamed_room and (parse_size(text) or default_room is not None):
        room_type = default_room or find_room_type(text) or _LIVING
        mentions = [Mention(name=room_type.name(lang), type=room_type, text=text)]
    for mention in mentions:
        room: dict[str, Any] = {"name": mention.name, "type": mention.type.id}
        size = parse_size(mention.text)
        if size is not None:
            room.update(size.as_fields())
        for surface, table in (("floor", _FLOOR_WORDS), ("walls", _WALL_WORDS), ("ceiling", _CEILING_WORDS)):
            kind, ruled = _finish(mention.text, table)
            if kind is not None:
                room[surface] = _finish_object(kind, mention.text)
            elif surface == "ceiling" and ruled:
                room["ceiling"] = _finish_object("paint", "")  # "no drop ceiling": a painted slab
            reading.ruled_out += [f"{surface}:{r}" for r in ruled]
        reading.rooms.append(room)
    return reading


def _drawing(
    text: str, images: int, earlier_photo: bool, style: Style, room_type: RoomType
) -> dict[str, Any] | None:
    folded = fold(text)
    has_photo = images > 0 or earlier_photo
    reference = _has(folded, _REFERENCE) and images > 0
    # Editing words ("خلي الأرضية باركيه") change a photo only when there is one; otherwise they
    # change the plan, and only "show me" draws.
    operation = next((op for op, words in _OPERATIONS if _has(folded, words)), None) if has_photo else None
    if operation is None and not wants_picture(text) and not reference:
        return None
    if reference:
        operation = "reference"
    elif not has_photo:
        operation = "generate"
    elif operation is None:
        operation = "restyle"
    wish: dict[str, Any] = {
        "operation": operation,
        "prompt": "",
        "style": style.id if operation in ("restyle", "reference", "finish", "stage", "generate") else None,
        "room_type": room_type.id if operation in ("stage", "generate") else None,
        "regions": [],
        "colour": None,
        "material": None,
        "room_photo": None,
        "reference_photo": None,
    }
    if operation == "reference":
        if images >= 2:
            wish["room_photo"], wish["reference_photo"] = 1, 2
        else:
            wish["reference_photo"] = 1
    elif images:
        wish["room_photo"] = images
    if operation == "repaint":
        colour = _COLOUR_AFTER.search(text)
        wish["colour"] = colour.group(1).strip() if colour else None
        wish["regions"] = ["walls"]
    if operation == "swap_material":
        kind, _ = _finish(text, _FLOOR_WORDS)
        wish["material"] = kind or "parquet"
        wish["regions"] = ["floor"]
    wish["prompt"] = _prompt(operation, style, room_type, wish)
    return wish


def _prompt(operation: str, style: Style, room_type: RoomType, wish: dict[str, Any]) -> str:
    room = room_type.name_en.lower()
    keep = "keeping the walls, windows, doors, ceiling and camera exactly as they are"
    return {
        "generate": f"A {style.name_en} {room}: {style.prompt}.",
        "restyle": f"Restyle this {room} in {style.name_en} style, {keep}.",
        "reference": f"Restyle this {room} after the reference photo's style and materials, {keep}.",
        "repaint": f"Repaint the walls {wish.get('colour') or 'in the new colour'}; change nothing else.",
        "swap_material": f"Replace the floor with {wish.get('material')}; change nothing else.",
        "declutter": f"Remove the clutter from this {room}; keep the furniture and finishes.",
        "empty": f"Remove all furniture and decor from this {room}; keep the finishes, {keep}.",
        "stage": f"Furnish this empty {room} in {style.name_en} style, {keep}.",
        "finish": f"Show this unfinished {room} fully finished in {style.name_en} style, {keep}.",
        "render": f"Turn this sketch into a photoreal {style.name_en} {room}, keeping its geometry.",
    }[operation]


@dataclass
class TurnContext:
    """What the app's turn context says, read back: the current plan and an earlier room photo."""

    plan: dict[str, Any] | None
    earlier_photo: bool
    message: str


def split_context(text: str) -> TurnContext:
    """The app's turn context (if any) and the user's own words."""
    if CONTEXT_END not in text:
        return TurnContext(plan=None, earlier_photo=False, message=text)
    context, _, message = text.partition(CONTEXT_END)
    plan = None
    lines = context.splitlines()
    for i, line in enumerate(lines):
        if line.startswith(PLAN_LINE) and i + 1 < len(lines):
            try:
                plan = json.loads(lines[i + 1])
            except json.JSONDecodeError:
                plan = None
    return TurnContext(
        plan=plan if isinstance(plan, dict) else None,
        earlier_photo=EARLIER_PHOTO in context,
        message=message.strip(),
    )


def _first_lang(texts: list[str]) -> Lang:
    """The language of the newest text that says enough to tell ("4x5" alone does not switch)."""
    for text in texts:
        words = _DIMS.sub(" ", ascii_digits(text))
        if sum(ch.isalpha() for ch in words) >= 3:
            return detect_lang(words)
    return "en"


def chat(request: ChatRequest, provider: str, model: str) -> ChatResult:
    context = split_context(request.message.text)
    plan, text = context.plan, context.message
    earlier = [m.text for m in reversed(request.history) if m.role == "user"]
    lang: Lang = (
        "ar" if request.lang == "ar" else "en" if request.lang == "en" else _first_lang([text, *earlier])
    )
    named_style = find_style(text) or next((s for t in earlier if (s := find_style(t))), None)
    room_type = (
        find_room_type(text) or next((r for t in earlier if (r := find_room_type(t))), None) or _LIVING
    )
    reading = read_message(text, lang, unnamed_room=plan is None)
    if plan is None and not reading.rooms:
        # Sizes said in earlier turns still count before a plan exists.
        for old in earlier:
            if (earlier_reading := read_message(old, lang)).rooms:
                reading.rooms = earlier_reading.rooms
                break
    style = named_style or _DEFAULT_STYLE
    drawing = _drawing(text, len(request.message.images), context.earlier_photo, style, room_type)
    assumed: list[str] = []
    nothing_named = not (reading.rooms or named_style or drawing or request.message.images)
    if plan is None and nothing_named and not _about_homes(text, reading):
        return _reply_only(request, provider, model, lang)
    if plan is None:
        new_plan = _new_plan(reading, style, room_type, lang)
        if named_style is None:
            assumed.append(_t(lang, f"style: {style.name_en} (you did not name one)",
                              f"الستايل: {style.name_ar} (ما حددتش ستايل)"))  # fmt: skip
        amend = None
    else:
        new_plan = None
        amend = _amendment(plan, reading, text, named_style)
    rooms = new_plan["rooms"] if new_plan else list(plan.get("rooms", [])) if plan else []
    unsized = [r["name"] for r in rooms if not (r.get("length_m") or r.get("area_m2"))]
    if amend:
        sized_now = {p["name"] for p in amend["rooms"] if p.get("length_m") or p.get("area_m2")}
        unsized = [n for n in unsized if n not in sized_now]
    questions = _questions(lang, rooms=rooms, unsized=unsized, reading=reading, plan=plan)
    if new_plan:
        assumed += _surface_assumptions(new_plan["rooms"], lang)
    reply = _reply(lang, style, room_type, reading, new_plan, amend, questions, assumed)
    designed = {"questions": questions, "plan": new_plan, "amend": amend, "drawing": drawing}
    return _result(request, provider, model, reply, designed)


def _result(
    request: ChatRequest, provider: str, model: str, reply: str, designed: dict[str, Any]
) -> ChatResult:
    """The answer as the provider gives it: the reply, and the structure when a schema asked for it."""
    structured = {"reply": reply, **designed} if request.response_schema is not None else None
    history_text = [m.text for m in request.history]
    return ChatResult(
        text=reply,
        provider=provider,
        model=model,
        structured=structured,
        finish_reason="STOP",
        usage=Usage(
            input_tokens=_tokens(request.system, request.message.text, *history_text),
            output_tokens=_tokens(reply, json.dumps(structured or {}, ensure_ascii=False)),
        ),
    )


# Words that make a message about a home even before a room is named.
_HOME_WORDS = _words(
    (
        "تشطيب", "اشطب", "اشطبها", "شقه", "شقتي", "بيت", "ديكور", "دهان", "لون", "الوان", "اثاث", "عفش",
        "تصميم", "مودرن", "سيراميك", "بورسلين", "جبس", "home", "flat", "apartment", "house", "design",
        "decor", "interior", "finish", "finishing", "paint", "colour", "color", "colours", "colors",
        "furniture", "tiles", "floor", "walls", "ceiling", "sha2a", "tashteeb", "dehan",
    )
)  # fmt: skip


def _about_homes(text: str, reading: Reading) -> bool:
    if reading.state or reading.grade or reading.budget or parse_size(text):
        return True
    return _has(fold(text), _HOME_WORDS)


def _reply_only(request: ChatRequest, provider: str, model: str, lang: Lang) -> ChatResult:
    """Not about a home: say what the designer does, and make no plan."""
    reply = "\n".join(
        [
            _t(lang, _OFFLINE_NOTE_EN, _OFFLINE_NOTE_AR),
            "",
            _t(
                lang,
                "I can only help with your home: finishing, materials, colours, furniture and costs. "
                "Which room are we working on?",
                "أنا بساعد في البيت بس: التشطيب والخامات والألوان والعفش والتكلفة. هنشتغل على أنهي أوضة؟",
            ),
        ]
    )
    return _result(
        request, provider, model, reply, {"questions": [], "plan": None, "amend": None, "drawing": None}
    )


def _t(lang: Lang, en: str, ar: str) -> str:
    return ar if lang == "ar" else en


_ROOM_KEYS = ("length_m", "width_m", "area_m2", "height_m", "doors", "windows", "walls", "floor", "ceiling")


def _full_room(room: dict[str, Any]) -> dict[str, Any]:
    return {"name": room["name"], "type": room["type"], **{k: room.get(k) for k in _ROOM_KEYS}}


def _new_plan(reading: Reading, style: Style, room_type: RoomType, lang: Lang) -> dict[str, Any]:
    rooms = [_full_room(r) for r in reading.rooms]
    essentials = (find_room_type(rooms[0]["type"]) if rooms else None) or room_type
    return {
        "style": style.id,
        # The room as the user named it ("صالة" stays صالة), else the catalogue's name.
        "summary": f"{style.name(lang)} — {rooms[0]['name'] if rooms else essentials.name(lang)}: "
        f"{style.description.get(lang)}",
        "state": reading.state,
        "grade": reading.grade,
        "budget_egp": reading.budget,
        "rooms": rooms,
        "palette": [{"name": s.name(lang), "hex": s.hex, "role": s.role} for s in style.palette],
        "furniture": [
            {
                "item": e.name.get(lang),
                "qty": e.qty,
                "dims_cm": dict(zip("wdh", e.dims_cm, strict=True)) if e.dims_cm else None,
                "est_price_egp": {
                    "min": int(round(e.price_egp[0] * style.price_factor, -2)),
                    "max": int(round(e.price_egp[1] * style.price_factor, -2)),
                },
            }
            for e in essentials.essentials
        ],
        "steps": [],
        "lang": lang,
    }


def _amendment(
    plan: dict[str, Any], reading: Reading, text: str, named_style: Style | None
) -> dict[str, Any] | None:
    """Only what the user named: the surfaces of the rooms they mean, a budget, a style, a state."""
    folded = fold(text)
    patches: list[dict[str, Any]] = []
    plan_rooms = plan.get("rooms", [])
    named = {fold(r["name"]): r for r in reading.rooms}
    for room in reading.rooms:
        if any(fold(p["name"]) == fold(room["name"]) for p in plan_rooms) or room.keys() - {"name", "type"}:
            patches.append({**{k: room.get(k) for k in _ROOM_KEYS}, "name": room["name"],
                            "type": room["type"], "remove": False})  # fmt: skip
    if not named:
        # "خلي الأرضية باركيه" with no room named: every room where that surface makes sense.
        changes: dict[str, Any] = {}
        for surface, table in (("floor", _FLOOR_WORDS), ("walls", _WALL_WORDS), ("ceiling", _CEILING_WORDS)):
            if _has(folded, _SURFACE_WORDS[surface]) or surface == "ceiling":
                kind, ruled = _finish(text, table)
                if kind is not None:
                    changes[surface] = _finish_object(kind, text)
                elif surface == "ceiling" and ruled:
                    changes[surface] = _finish_object("paint", "")
        size = parse_size(text)
        if size is not None and len(plan_rooms) == 1:
            changes.update(size.as_fields())  # "آسف، الأوضة 4 في 3.5": the one room, resized
        targets = (
            plan_rooms
            if len(plan_rooms) == 1
            else [r for r in plan_rooms if r.get("type") not in ("bathroom", "kitchen")]
        )
        if changes:
            patches += [
                {**dict.fromkeys(_ROOM_KEYS), **changes, "name": r["name"], "type": None, "remove": False}
                for r in targets
            ]
    amend = {
        "style": named_style.id if named_style and named_style.id != plan.get("style") else None,
        "state": reading.state if reading.state != plan.get("state") else None,
        "grade": reading.grade if reading.grade != plan.get("grade") else None,
        "budget_egp": reading.budget if reading.budget != plan.get("budget_egp") else None,
        "palette": None,
        "rooms": patches,
    }
    return amend if any(v for v in amend.values()) else None


def _questions(
    lang: Lang,
    *,
    rooms: list[dict[str, Any]],
    unsized: list[str],
    reading: Reading,
    plan: dict[str, Any] | None,
) -> list[str]:
    questions = []
    if not rooms:
        questions.append(_t(lang, "Which rooms are we designing, and how big is each (length × width)?",
                            "هنشتغل على أنهي أوض، وكل أوضة مقاسها كام (الطول × العرض)؟"))  # fmt: skip
    elif unsized:
        names = ", ".join(unsized) if lang == "en" else "، ".join(unsized)
        questions.append(_t(lang, f"What are the length and width of: {names}?", f"إيه طول وعرض: {names}؟"))
    state = reading.state or (plan or {}).get("state")
    if state is None:
        questions.append(_t(lang, "Is the flat bare brick, plastered, semi-finished or finished?",
                            "الشقة حالتها إيه: طوب، محارة، نص تشطيب، ولا متشطبة؟"))  # fmt: skip
    elif (reading.budget or (plan or {}).get("budget_egp")) is None:
        questions.append(_t(lang, "What budget do you have in mind (EGP)?", "الميزانية في حدود كام جنيه؟"))
    return questions[:2]


_FINISH_NAMES = {
    "paint": ("paint", "دهان"),
    "wallpaper": ("wallpaper", "ورق حائط"),
    "feature_wall": ("feature wall", "حيطة مميزة"),
    "wall_tiles": ("wall tiles", "سيراميك حوائط"),
    "stone_cladding": ("stone cladding", "تجليد حجر"),
    "porcelain": ("porcelain", "بورسلين"),
    "ceramic": ("ceramic", "سيراميك"),
    "parquet": ("parquet", "باركيه"),
    "vinyl": ("vinyl", "فينيل"),
    "marble": ("marble", "رخام"),
    "gypsum_full": ("gypsum board drop ceiling", "سقف جبس بورد ساقط"),
    "gypsum_cove": ("gypsum cove band", "بانوه جبس بورد"),
    "gypsum_design": ("designed gypsum ceiling", "سقف جبس ديزاين"),
    "keep": ("keep as is", "زي ما هو"),
}
_OFFLINE_NOTE_EN = (
    "(Offline preview: this answer is read from your words by simple rules and the style catalogue, "
    "not by an AI model.)"
)
_OFFLINE_NOTE_AR = (
    "(معاينة أوفلاين: الرد ده متقري من كلامك بقواعد بسيطة ومن كتالوج الستايلات، مش من موديل ذكاء اصطناعي.)"
)
_SURFACE_NAMES = {
    "walls": ("walls", "الحيطان"),
    "floor": ("floor", "الأرضية"),
    "ceiling": ("ceiling", "السقف"),
}


def _surface_assumptions(rooms: list[dict[str, Any]], lang: Lang) -> list[str]:
    notes = []
    for room in rooms:
        missing = [
            _SURFACE_NAMES[s][lang == "ar"] for s in ("walls", "floor", "ceiling") if room.get(s) is None
        ]
        if missing:
            joined = ", ".join(missing) if lang == "en" else " و".join(missing)
            notes.append(_t(lang, f"{room['name']}: {joined} — the usual finish for the room type",
                            f"{room['name']}: {joined} — التشطيب المعتاد لنوع الأوضة"))  # fmt: skip
    return notes


def _describe_room(room: dict[str, Any], lang: Lang) -> str:
    parts = [room["name"]]
    if room.get("length_m"):
        parts.append(f"{_num(room['length_m'])} × {_num(room['width_m'])} {_t(lang, 'm', 'متر')}")
    elif room.get("area_m2"):
        parts.append(f"{_num(room['area_m2'])} {_t(lang, 'm²', 'متر مربع')}")
    for surface in ("walls", "floor", "ceiling"):
        if room.get(surface):
            finish = room[surface]
            size = f" {finish['tile_cm'][0]}×{finish['tile_cm'][1]}" if finish.get("tile_cm") else ""
            label = _FINISH_NAMES.get(finish["type"], (finish["type"], finish["type"]))[lang == "ar"]
            parts.append(f"{_SURFACE_NAMES[surface][lang == 'ar']}: {label}{size}")
    return " — ".join(parts)


def _reply(
    lang: Lang,
    style: Style,
    room_type: RoomType,
    reading: Reading,
    plan: dict[str, Any] | None,
    amend: dict[str, Any] | None,
    questions: list[str],
    assumed: list[str],
) -> str:
    lines = [_t(lang, _OFFLINE_NOTE_EN, _OFFLINE_NOTE_AR), ""]
    understood = []
    rooms = plan["rooms"] if plan else (amend or {}).get("rooms", [])
    understood += [f"• {_describe_room(r, lang)}" for r in rooms]
    if reading.state:
        term = next(t for t in FLAT_STATES if t.id == reading.state)
        understood.append("• " + _t(lang, f"state: {term.en}", f"الحالة: {term.ar}"))
    if reading.grade:
        term = next(t for t in GRADES_INFO if t.id == reading.grade)
        understood.append("• " + _t(lang, f"grade: {term.en}", f"الدرجة: {term.ar}"))
    if reading.budget:
        understood.append(
            "• " + _t(lang, f"budget: {reading.budget:,} EGP", f"الميزانية: {reading.budget:,} جنيه")
        )
    if amend and amend.get("style"):
        understood.append("• " + _t(lang, f"style: {style.name_en}", f"الستايل: {style.name_ar}"))
    if understood:
        lines += [_t(lang, "What I understood:", "اللي فهمته:"), *understood, ""]
    if plan is not None:
        lines += [
            _t(lang, f"{style.name_en} for your {room_type.name_en.lower()}: {style.description.en}",
               f"ستايل {style.name_ar}: {style.description.ar}"),
            "",
            _t(lang, "Palette:", "الألوان:"),
            *(f"• {s.name(lang)} {s.hex}" for s in style.palette),
            "",
        ]  # fmt: skip
    for term in reading.climate:
        lines.append("• " + _t(lang, term.note_en, term.note_ar))
    if assumed:
        lines += [_t(lang, "What I assumed:", "اللي افترضته:"), *(f"• {a}" for a in assumed), ""]
    if plan is None and amend is None:
        lines.append(_t(lang, "I kept the plan as it is.", "سبت الخطة زي ما هي."))
    if questions:
        lines += ["", *questions]
    return "\n".join(lines).strip()
