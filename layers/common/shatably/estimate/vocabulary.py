"""The estimator's words: line-item names, trades, phases and units in English and Egyptian Arabic."""

from __future__ import annotations

from shatably.estimate.models import ItemKey, Lang, PhaseKey, Trade, Unit

# key -> (English, Arabic, trade). The keys are the stable API vocabulary (see models.ItemKey).
ITEMS: dict[ItemKey, tuple[str, str, Trade]] = {
    "plaster": ("Cement plaster (supply and apply)", "محارة (توريد وتنفيذ)", "plaster"),
    "putty": ("Wall putty", "معجون", "paint"),
    "sealer": ("Sealer (primer)", "سيلر", "paint"),
    "wall_paint": ("Wall paint", "دهان الحوائط", "paint"),
    "ceiling_paint": ("Ceiling paint", "دهان السقف", "paint"),
    "labour_paint": ("Painting labour (putty, sealer, coats)", "مصنعية النقاشة (معجون وسيلر ودهان)", "paint"),
    "wallpaper": ("Wallpaper rolls", "رولات ورق حائط", "wallpaper"),
    "labour_wallpaper": ("Wallpaper hanging", "مصنعية تركيب ورق الحائط", "wallpaper"),
    "stone_cladding": ("Stone cladding (supply and fix)", "تجاليد حجر (توريد وتركيب)", "cladding"),
    "floor_tiles": ("Floor tiling (laying)", "تركيب بلاط الأرضيات", "tiling"),
    "floor_tile_boxes": ("Floor tiles", "كراتين بلاط الأرضيات", "tiling"),
    "wall_tiles": ("Wall tiling (laying)", "تركيب سيراميك الحوائط", "tiling"),
    "wall_tile_boxes": ("Wall tiles", "كراتين سيراميك الحوائط", "tiling"),
    "tile_adhesive": ("Tile adhesive", "لاصق سيراميك", "tiling"),
    "grout": ("Grout", "ترويبة (فوجة)", "tiling"),
    "waterproofing": ("Waterproofing (supply and apply)", "عزل مائي (توريد وتنفيذ)", "tiling"),
    "skirting": ("Skirting", "وزرة", "tiling"),
    "parquet": ("Laminate parquet", "باركيه", "flooring"),
    "vinyl": ("Vinyl (SPC) flooring", "أرضيات فينيل", "flooring"),
    "marble": ("Marble", "رخام", "flooring"),
    "labour_flooring": ("Flooring labour", "مصنعية الأرضيات", "flooring"),
    "gypsum_board": ("Gypsum board", "ألواح جبس بورد", "gypsum"),
    "gypsum_framing": ("Gypsum board framing (galvanised profiles)", "قطاعات جبس بورد مجلفنة", "gypsum"),
    "cornice": ("Cornice / cove lip", "كرانيش / حلية البانوه", "gypsum"),
    "labour_gypsum": ("Gypsum board labour", "مصنعية الجبس بورد", "gypsum"),
    "electrical_points": ("Electrical points (supply and install)", "نقط كهرباء (توريد وتركيب)", "services"),
    "plumbing_points": ("Plumbing points (supply and install)", "نقط سباكة (توريد وتركيب)", "services"),
    "ac_piping": (
        "AC piping, per unit (supply and install)",
        "تأسيس تكييف، للوحدة (توريد وتركيب)",
        "services",
    ),
}

TRADES: dict[Trade, tuple[str, str]] = {
    "services": ("electrical, plumbing and AC", "الكهرباء والسباكة والتكييف"),
    "plaster": ("plaster", "المحارة"),
    "tiling": ("tiling", "السيراميك والبورسلين"),
    "gypsum": ("gypsum board", "الجبس بورد"),
    "paint": ("painting", "النقاشة"),
    "flooring": ("floors", "الأرضيات"),
    "wallpaper": ("wallpaper", "ورق الحائط"),
    "cladding": ("cladding", "التجاليد"),
}

PHASES: dict[PhaseKey, tuple[str, str]] = {
    "services": ("Electrical and plumbing rough-in", "تأسيس الكهرباء والسباكة والتكييف"),
    "plaster": ("Plaster", "المحارة"),
    "tiling": ("Tiling and waterproofing", "العزل والسيراميك والبورسلين"),
    "gypsum": ("Gypsum board", "الجبس بورد"),
    "putty": ("Putty and sealer", "المعجون والسيلر"),
    "paint": ("Paint and wall finishes", "الدهانات وتشطيب الحوائط"),
    "floors": ("Parquet, vinyl and marble floors", "الباركيه والفينيل والرخام"),
    "fixtures": (
        "Fixtures: switches, lights, sanitary ware, AC units",
        "التشطيبات النهائية: مفاتيح وإضاءة وأطقم صحية وتكييف",
    ),
}

UNITS: dict[Unit, tuple[str, str]] = {
    "m2": ("m²", "م²"),
    "m": ("m", "م.ط"),
    "L": ("L", "لتر"),
    "kg": ("kg", "كجم"),
    "box": ("box", "كرتونة"),
    "sheet": ("sheet", "لوح"),
    "roll": ("roll", "رول"),
    "point": ("point", "نقطة"),
}


def item_name(key: ItemKey, lang: Lang) -> str:
    en, ar, _ = ITEMS[key]
    return ar if lang == "ar" else en


def trade_of(key: ItemKey) -> Trade:
    return ITEMS[key][2]


def text(lang: Lang, en: str, ar: str) -> str:
    return ar if lang == "ar" else en
