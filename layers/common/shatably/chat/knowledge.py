"""What an Egyptian home designer knows, as data the code and the designer's instruction share.

Written in our own words from common Egyptian finishing practice (تشطيب). Figures here are rules of
thumb for conversation (typical sizes, how many points a room needs, price tiers), not the bill of
quantities: quantities and costs come from ``shatably.estimate``, never from this module or the model.
Prices are marked ``estimate``: no public price list was used for them. Brands are never named here;
a brand the user mentions is treated as their example, not our recommendation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shatably.catalog.lang import Lang, fold
from shatably.catalog.models import Text

State = Literal["bare", "plastered", "semi_finished", "finished"]
Grade = Literal["lux", "super_lux", "ultra_super_lux"]
STATES: tuple[State, ...] = ("bare", "plastered", "semi_finished", "finished")
GRADES: tuple[Grade, ...] = ("lux", "super_lux", "ultra_super_lux")
PRICES_DATED = "2026-12 (estimate: no public price list)"


@dataclass(frozen=True, slots=True)
class Term:
    """One idea with its words in both languages and the other spellings people type."""

    id: str
    en: str
    ar: str
    words: tuple[str, ...]  # matched on folded text (see catalog.lang.fold), Arabic and Franco
    note_en: str = ""
    note_ar: str = ""

    def name(self, lang: Lang) -> str:
        return self.ar if lang == "ar" else self.en


# What state the flat was handed over in, and what each state still needs.
FLAT_STATES: tuple[Term, ...] = (
    Term(
        "bare", "bare brick (red brick, no plaster)", "طوب أحمر (على الطوب)",
        ("طوب", "على الطوب", "طوب احمر", "عالطوب", "محاره لسه", "من غير محاره", "بدون محاره",
         "على المحاره", "red brick", "bare brick", "bare", "unfinished", "3al toob", "toob"),
        "needs everything: electrical and plumbing first fix, plaster (محارة), then the finishes",
        "محتاجة كل حاجة: تأسيس كهربا وسباكة، محارة، وبعدين التشطيب",
    ),
    Term(
        "plastered", "plastered walls", "محارة",
        ("متمحره", "محاره خلصت", "اتعملت المحاره", "محاره", "plastered", "plaster done", "ma7ara"),
        "walls are plastered: first fix, putty and paint, flooring, ceilings",
        "المحارة خلصانة: تأسيس، معجون ودهان، أرضيات، أسقف",
    ),
    Term(
        "semi_finished", "semi-finished (نص تشطيب)", "نص تشطيب",
        ("نص تشطيب", "نصف تشطيب", "نص تشطيبه", "semi finished", "half finished", "nos tashteeb"),
        "usually plaster, first fix and sometimes flooring are done; check what exactly was delivered",
        "غالباً المحارة والتأسيس وأحياناً الأرضيات خلصانين؛ لازم نعرف إيه اللي اتسلم بالظبط",
    ),
    Term(
        "finished", "finished (a refresh)", "متشطبة (تجديد)",
        ("متشطبه", "تشطيب كامل", "عايز اجدد", "تجديد", "اجدد", "finished", "refresh", "renovate",
         "redo", "mtshatba"),
        "a refresh: repaint, maybe new flooring or ceiling; nothing under the finishes",
        "تجديد: دهان من جديد وممكن أرضية أو سقف جديد؛ من غير ما نكسر اللي تحت",
    ),
)  # fmt: skip

# What the finishing grades usually mean in materials (they are trade names, not standards).
GRADES_INFO: tuple[Term, ...] = (
    Term(
        "lux", "lux (basic)", "لوكس",
        ("لوكس", "lux", "luxe", "اقتصادي", "economy", "basic"),
        "plastic paint on putty, ceramic floors, a painted slab or simple cornice, local fittings",
        "دهان بلاستيك على معجون، سيراميك، سقف دهان أو كرانيش بسيطة، خامات محلية",
    ),
    Term(
        "super_lux", "super lux (mid-range)", "سوبر لوكس",
        ("سوبر لوكس", "super lux", "superlux", "متوسط", "mid range"),
        "three coats of putty, satin or plastic paint, porcelain floors, gypsum-board cove with hidden "
        "light, better fittings",
        "معجون ٣ سكاكين، دهان ساتان أو بلاستيك، بورسلين، جبس بورد بنور مخفي، خامات أحسن",
    ),
    Term(
        "ultra_super_lux", "ultra super lux (premium)", "ألترا سوبر لوكس",
        ("الترا سوبر لوكس", "ultra super lux", "ultra", "الترا", "هاي اند", "high end", "premium"),
        "large-format porcelain or marble, parquet, designed gypsum ceilings, special paints and "
        "cladding, imported fittings",
        "بورسلين مقاسات كبيرة أو رخام، باركيه، أسقف جبس ديزاين، دهانات خاصة وتجاليد، خامات مستوردة",
    ),
)  # fmt: skip

# Orientation and climate: what the designer should weigh when it picks finishes.
CLIMATE: tuple[Term, ...] = (
    Term(
        "north", "faces north (بحري)", "بحري", ("بحري", "north", "northern", "ba7ary", "bahary"),
        "the breeze side and soft light: cool colours can feel cold; warm whites work",
        "ناحية الهوا والنور الهادي: الألوان الباردة ممكن تبرد المكان؛ الأبيض الدافي مناسب",
    ),
    Term(
        "south", "faces south (قبلي)", "قبلي", ("قبلي", "south", "southern", "2ebly", "ebly"),
        "strong sun on the façade: light, heat-reflecting colours, blackout or double curtains, "
        "a bigger AC, floors that do not fade",
        "شمس قوية على الواجهة: ألوان فاتحة تعكس الحرارة، ستاير بلاك أوت، تكييف أكبر، أرضيات ما تبهتش",
    ),
    Term(
        "west", "faces west (غربي)", "غربي", ("غربي", "west", "western", "gharby"),
        "afternoon sun and the hottest rooms in summer: size the AC up, shade the windows",
        "شمس العصر وأسخن أوض في الصيف: تكييف أكبر وتظليل للشبابيك",
    ),
    Term(
        "dust", "dust (Cairo, new cities)", "التراب",
        ("تراب", "عفار", "dust", "dusty", "تراب كتير"),
        "washable paints (satin or semi-gloss), sealed window frames (ألوميتال with brushes), "
        "easy-to-clean porcelain",
        "دهانات بتتغسل (ساتان)، شبابيك ألوميتال محكمة، بورسلين سهل التنضيف",
    ),
    Term(
        "coastal", "coastal humidity (Alexandria, the North Coast)", "رطوبة الساحل",
        ("رطوبه", "الساحل", "اسكندريه", "الساحل الشمالي", "بحر", "humid", "humidity", "coast",
         "coastal", "alexandria", "north coast", "sahel"),
        "humidity and salt: anti-fungal and water-resistant paints, moisture-resistant (green) gypsum "
        "board in wet areas, no solid wood floors, stainless or powder-coated metal",
        "رطوبة وملح: دهانات ضد الفطريات والمية، جبس بورد أخضر مقاوم للرطوبة، بلاش باركيه خشب طبيعي، "
        "معادن ستانلس أو مدهونة إلكتروستاتيك",
    ),
    Term(
        "heat", "summer heat", "حر الصيف", ("حر", "حراره", "سخن", "heat", "hot", "7ar"),
        "AC pre-piping (تأسيس تكييف) in every room before plaster or paint; insulation on top floors",
        "تأسيس تكييف في كل أوضة قبل المحارة أو الدهان؛ عزل حراري للدور الأخير",
    ),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RoomNorm:
    """Typical sizes and points for a room type in an Egyptian flat (rules of thumb, not rules)."""

    room_type: str  # a catalogue room type id
    area_m2: tuple[float, float]  # usual range
    sockets: tuple[int, int]  # power outlets
    light_points: tuple[int, int]
    ac: bool  # usually gets an AC point and pre-piping


ROOM_NORMS: tuple[RoomNorm, ...] = (
    RoomNorm("living_room", (16, 30), (6, 10), (3, 6), True),
    RoomNorm("reception", (20, 45), (6, 12), (4, 8), True),
    RoomNorm("bedroom", (12, 20), (5, 8), (2, 4), True),
    RoomNorm("kids_room", (9, 14), (4, 6), (2, 3), True),
    RoomNorm("kitchen", (6, 14), (6, 10), (2, 4), False),
    RoomNorm("bathroom", (3, 7), (2, 3), (1, 3), False),
    RoomNorm("dining_room", (10, 20), (3, 5), (2, 4), True),
    RoomNorm("home_office", (8, 14), (5, 8), (2, 3), True),
    RoomNorm("entrance", (3, 10), (1, 2), (1, 3), False),
    RoomNorm("balcony", (3, 12), (1, 2), (1, 2), False),
    RoomNorm("dressing_room", (4, 9), (1, 3), (1, 3), False),
    RoomNorm("roof", (20, 120), (2, 6), (2, 8), False),
)
_NORMS = {n.room_type: n for n in ROOM_NORMS}

# AC capacity by room area, the way Egyptian shops sell it (in horsepower, حصان). A rule of thumb for
# a normal ceiling; a قبلي/غربي or top-floor room takes the next size up.
AC_HP_BY_AREA_M2: tuple[tuple[float, float], ...] = ((12, 1.5), (20, 2.25), (30, 3.0), (40, 4.0), (55, 5.0))


def ac_hp(area_m2: float, *, hot_side: bool = False) -> float:
    """The usual AC size for a room of this area (``hot_side``: south/west or top floor)."""
    sizes = [hp for limit, hp in AC_HP_BY_AREA_M2 if area_m2 <= limit] or [AC_HP_BY_AREA_M2[-1][1]]
    if not hot_side:
        return sizes[0]
    bigger = [hp for _, hp in AC_HP_BY_AREA_M2 if hp > sizes[0]]
    return bigger[0] if bigger else sizes[0]


def room_norm(room_type: str) -> RoomNorm | None:
    return _NORMS.get(room_type)


# Rooms as Egyptians name them; the plan keeps the user's own word as the room's name.
ROOM_WORDS: tuple[Term, ...] = (
    Term("living_room", "living room", "صالة", ("صاله", "الصاله", "sala", "saala", "salah", "living")),
    Term("reception", "reception", "ريسبشن", ("ريسبشن", "رسبشن", "ريسيبشن", "ريسيبشين", "reception",
                                              "resepshen", "salon", "صالون")),
    Term("bedroom", "master bedroom", "أوضة نوم رئيسية", ("اوضه نوم رئيسيه", "اوضه النوم الرئيسيه",
                                                           "الماستر", "master bedroom", "master")),
    Term("bedroom", "bedroom", "أوضة نوم", ("اوضه نوم", "اوضه النوم", "غرفه نوم", "bedroom", "odet nom",
                                             "otet nom", "owdet nom")),
    Term("kids_room", "kids' room", "أوضة أطفال", ("اوضه اطفال", "اوضه الولاد", "اوضه البنات", "kids room",
                                                    "kids")),
    Term("bathroom", "master bathroom", "حمام ماستر", ("حمام ماستر", "الحمام الماستر", "master bathroom",
                                                        "master bath")),
    Term("bathroom", "bathroom", "حمام", ("حمام", "تواليت", "bathroom", "toilet", "7amam", "hammam")),
    Term("kitchen", "kitchen", "مطبخ", ("مطبخ", "kitchen", "matbakh", "mat2bakh")),
    Term("balcony", "balcony", "بلكونة", ("بلكونه", "بلكون", "تراس", "balcony", "terrace", "balakona")),
    Term("roof", "roof", "روف", ("روف", "سطح", "roof", "rooftop")),
    Term("entrance", "entrance", "مدخل", ("مدخل", "طرقه", "هول", "entrance", "corridor", "hall")),
    Term("dining_room", "dining room", "سفرة", ("سفره", "اوضه السفره", "dining")),
    Term("dressing_room", "dressing room", "دريسنج", ("دريسنج", "دريسينج", "dressing")),
    Term("home_office", "study", "مكتب", ("مكتب", "office", "study")),
)  # fmt: skip

# Finishing materials as people say them, mapped to the estimator's finish ids where there is one.
MATERIAL_WORDS: tuple[Term, ...] = (
    Term("plaster", "plaster", "محارة", ("محاره", "plaster", "ma7ara")),
    Term("putty", "putty (skim coat)", "معجون", ("معجون", "سكاكين", "putty", "skim coat", "ma3goon")),
    Term("sealer", "sealer (primer)", "سيلر", ("سيلر", "sealer", "primer", "برايمر")),
    Term("paint", "plastic (emulsion) paint", "دهان بلاستيك", ("بلاستيك", "دهان", "دهانات", "paint",
                                                              "emulsion", "dehan", "ساتان", "مط")),
    Term("gypsum_board", "gypsum board", "جبس بورد", ("جبس بورد", "جبسن بورد", "جيبس بورد", "سقف ساقط",
                                                     "سقف معلق", "gypsum board", "drywall", "gebs")),
    Term("porcelain", "porcelain tiles", "بورسلين", ("بورسلين", "بورسلان", "porcelain", "borcelain")),
    Term("ceramic", "ceramic tiles", "سيراميك", ("سيراميك", "ceramic", "seramic", "ceramica")),
    Term("marble", "marble", "رخام", ("رخام", "marble", "ro5am", "جرانيت", "granite")),
    Term("parquet", "parquet (HDF laminate)", "باركيه", ("باركيه", "parquet", "barkeh", "barquet",
                                                        "laminate", "hdf")),
    Term("vinyl", "vinyl (SPC)", "فينيل", ("فينيل", "vinyl", "spc")),
    Term("wallpaper", "wallpaper", "ورق حائط", ("ورق حائط", "ورق حيط", "ورق حايط", "والبيبر", "wallpaper")),
    Term("hpl", "HPL panels", "HPL", ("hpl", "اتش بي ال")),
    Term("acrylic", "acrylic (kitchen fronts)", "أكريليك", ("اكريليك", "acrylic")),
    Term("alumetal", "aluminium windows (ألوميتال)", "ألوميتال", ("الوميتال", "الوميتل", "alumetal",
                                                                 "aluminum", "aluminium")),
    Term("stone_cladding", "stone cladding", "تجليد حجر", ("حجر", "هاشمي", "stone cladding", "stone")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ProductCategory:
    """Something people buy for a finished flat, with typical price tiers (EGP, ``estimate``)."""

    id: str
    en: str
    ar: str
    unit: Text
    tiers_egp: tuple[tuple[int, int], tuple[int, int], tuple[int, int]]  # economy, mid, premium


PRODUCT_CATEGORIES: tuple[ProductCategory, ...] = (
    ProductCategory("paint", "Plastic paint", "دهان بلاستيك", Text("per 9 L can", "للجردل ٩ لتر"),
                    ((900, 1_500), (1_500, 2_800), (2_800, 5_000))),
    ProductCategory("porcelain", "Porcelain tiles", "بورسلين", Text("per m²", "للمتر"),
                    ((350, 550), (550, 900), (900, 2_000))),
    ProductCategory("ceramic", "Ceramic tiles", "سيراميك", Text("per m²", "للمتر"),
                    ((180, 300), (300, 450), (450, 700))),
    ProductCategory("parquet", "HDF parquet", "باركيه HDF", Text("per m²", "للمتر"),
                    ((450, 700), (700, 1_100), (1_100, 2_000))),
    ProductCategory("gypsum", "Gypsum board ceiling, installed", "سقف جبس بورد بالمصنعية",
                    Text("per m²", "للمتر"), ((450, 650), (650, 950), (950, 1_600))),
    ProductCategory("sanitary", "Sanitary ware set (WC, basin)", "أطقم صحي (قاعدة وحوض)",
                    Text("per set", "للطقم"), ((5_000, 9_000), (9_000, 18_000), (18_000, 45_000))),
    ProductCategory("mixers", "Mixers and taps", "خلاطات", Text("per piece", "للقطعة"),
                    ((800, 1_800), (1_800, 4_000), (4_000, 12_000))),
    ProductCategory("kitchen", "Kitchen units", "مطبخ", Text("per linear metre", "للمتر الطولي"),
                    ((6_000, 9_000), (9_000, 16_000), (16_000, 35_000))),
    ProductCategory("ac", "Split AC", "تكييف سبليت", Text("per 1.5 HP unit", "لوحدة ١.٥ حصان"),
                    ((22_000, 28_000), (28_000, 36_000), (36_000, 55_000))),
    ProductCategory("lighting", "Spots and hidden LED", "سبوتات وإضاءة مخفية", Text("per point", "للنقطة"),
                    ((120, 250), (250, 500), (500, 1_200))),
    ProductCategory("aluminium", "Aluminium windows", "شبابيك ألوميتال", Text("per m²", "للمتر"),
                    ((2_500, 3_500), (3_500, 5_000), (5_000, 9_000))),
)  # fmt: skip


def find_term(terms: tuple[Term, ...], text: str) -> Term | None:
    """The term whose words occur in the text as whole words, the longest match winning.

    "سوبر لوكس" contains "لوكس": the longer phrase is what was meant.
    """
    padded = f" {fold(text)} "
    best: tuple[int, Term] | None = None
    for term in terms:
        for word in term.words:
            folded = fold(word)
            if f" {folded} " in padded and (best is None or len(folded) > best[0]):
                best = (len(folded), term)
    return best[1] if best else None


def find_terms(terms: tuple[Term, ...], text: str) -> list[Term]:
    padded = f" {fold(text)} "
    return [t for t in terms if any(f" {fold(word)} " in padded for word in t.words)]


def _lines(terms: tuple[Term, ...]) -> str:
    return "\n".join(f"  - {t.ar} / {t.en}: {t.note_en}" for t in terms)


def knowledge_brief() -> str:
    """The knowledge section of the designer's instruction (English, with the Arabic terms)."""
    rooms = "، ".join(dict.fromkeys(t.ar for t in ROOM_WORDS))
    materials = "، ".join(t.ar for t in MATERIAL_WORDS)
    sizes = "; ".join(
        f"{n.room_type} {n.area_m2[0]:g}-{n.area_m2[1]:g} m² ({n.sockets[0]}-{n.sockets[1]} sockets, "
        f"{n.light_points[0]}-{n.light_points[1]} light points{', AC point' if n.ac else ''})"
        for n in ROOM_NORMS
    )
    ac = ", ".join(f"up to {limit:g} m² → {hp:g} HP" for limit, hp in AC_HP_BY_AREA_M2)
    tiers = "; ".join(
        f"{c.en} ({c.unit.en}) {c.tiers_egp[0][0]:,}-{c.tiers_egp[2][1]:,}" for c in PRODUCT_CATEGORIES
    )
    return f"""What you know about Egyptian flats:
- The flat's state decides the work (state ids for plan.state):
{_lines(FLAT_STATES)}
- Finishing grades (grade ids for plan.grade):
{_lines(GRADES_INFO)}
- Orientation and climate:
{_lines(CLIMATE)}
- Electrical and AC: every bedroom and living space gets an AC point with copper pre-piping and a
  drain before plaster or paint; typical AC sizes: {ac} (one size up for قبلي/غربي rooms and top
  floors). Typical rooms (rules of thumb, never the user's dimensions): {sizes}.
- Rooms, in the words people use: {rooms}. A room keeps the name the user gave it ("صالة" stays
  صالة, "ريسبشن" stays ريسبشن).
- Materials people buy: {materials}.
- Typical price ranges in EGP ({PRICES_DATED}), economy to premium: {tiers}. Use them only to
  talk about tiers; the app computes the bill.
- Brands: mention one only when the user did, as their example; never recommend or endorse a brand."""
