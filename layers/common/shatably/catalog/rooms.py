"""Room types as data, with the pieces each usually needs and rough line prices.

Prices are mid-market Egyptian ranges in EGP for the whole line (all ``qty``), meant for a first
budget only; styles scale them by ``Style.price_factor``.
"""

from __future__ import annotations

from shatably.catalog.models import FurnitureEssential, RoomType, Text

T = Text
E = FurnitureEssential

ROOM_TYPES: tuple[RoomType, ...] = (
    RoomType(
        id="living_room",
        name_en="Living room",
        name_ar="أوضة المعيشة",
        essentials=(
            E(T("3-seater sofa", "كنبة 3 مقاعد"), 1, (220, 90, 85), (25_000, 60_000)),
            E(T("Armchairs", "كراسي فوتيه"), 2, (80, 85, 85), (14_000, 36_000)),
            E(T("Coffee table", "ترابيزة قهوة"), 1, (110, 60, 40), (4_000, 12_000)),
            E(T("TV unit", "وحدة تليفزيون"), 1, (200, 40, 50), (8_000, 25_000)),
            E(T("Rug 200×300", "سجادة 200×300"), 1, None, (3_000, 12_000)),
        ),
        tip=T(
            "Keep 80–90 cm walkways and put the sofa 2.5–3 m from the TV wall for a 55-inch screen.",
            "سيب ممرات 80–90 سم، وخلي الكنبة على بعد 2.5–3 متر من حيطة التليفزيون لشاشة 55 بوصة.",
        ),
        aliases=("living", "lounge", "family room", "ليفينج", "ليفنج", "معيشه", "صاله", "انتريه"),
    ),
    RoomType(
        id="reception",
        name_en="Reception",
        name_ar="ريسبشن",
        essentials=(
            E(T("Salon set (sofa + 2 armchairs)", "طقم صالون (كنبة + 2 فوتيه)"), 1, None, (40_000, 120_000)),
            E(T("Coffee and side tables", "ترابيزة قهوة وترابيزات جانبية"), 1, None, (6_000, 18_000)),
            E(T("Console with mirror", "كونسول ومراية"), 1, (140, 40, 85), (8_000, 25_000)),
            E(T("Chandelier", "نجفة"), 1, None, (5_000, 20_000)),
            E(T("Curtains", "ستاير"), 1, None, (6_000, 15_000)),
        ),
        tip=T(
            "Instead of lining the salon up against the walls, group it around a rug so conversation is "
            "easy.",
            "بدل ما الصالون يتركن على الحيطان، اعمله قعدة متجمعة حوالين سجادة عشان الكلام يبقى أسهل.",
        ),
        aliases=("reception room", "salon", "guest room", "صالون", "ريسيبشن", "رسبشن"),
    ),
    RoomType(
        id="bedroom",
        name_en="Bedroom",
        name_ar="أوضة نوم",
        essentials=(
            E(T("Bed 160×200 with headboard", "سرير 160×200 بضهر"), 1, (175, 215, 110), (18_000, 50_000)),
            E(T("Wardrobe", "دولاب"), 1, (200, 60, 240), (25_000, 70_000)),
            E(T("Nightstands", "كومودينو"), 2, (50, 40, 50), (4_000, 12_000)),
            E(T("Dresser with mirror", "تسريحة بمراية"), 1, (120, 45, 80), (7_000, 20_000)),
        ),
        tip=T(
            "Leave 60 cm beside the bed and 90 cm in front of the wardrobe; sliding doors save space.",
            "سيب 60 سم جنب السرير و90 سم قدام الدولاب، والضلف الجرار بتوفر مساحة.",
        ),
        aliases=("master bedroom", "bed room", "غرفه نوم", "اوضه النوم", "ماستر بيدروم"),
    ),
    RoomType(
        id="kids_room",
        name_en="Kids' room",
        name_ar="أوضة أطفال",
        essentials=(
            E(T("Single bed 120×200", "سرير 120×200"), 1, (130, 210, 90), (9_000, 25_000)),
            E(T("Wardrobe", "دولاب"), 1, (150, 60, 220), (15_000, 40_000)),
            E(T("Study desk and chair", "مكتب مذاكرة وكرسي"), 1, (120, 60, 75), (5_000, 14_000)),
            E(T("Toy storage", "تخزين لعب"), 1, None, (3_000, 9_000)),
        ),
        tip=T(
            "Use washable satin paint and rounded edges, and plan space for the desk they will need later.",
            "استخدم دهان ساتان بيتغسل وأثاث حوافه مدورة، وسيب مكان للمكتب اللي هيحتاجوه بعدين.",
        ),
        aliases=(
            "kids room",
            "kids bedroom",
            "children room",
            "childrens room",
            "nursery",
            "اوضه الاطفال",
            "اوضه الولاد",
            "اوضه البنات",
            "غرفه اطفال",
        ),
    ),
    RoomType(
        id="kitchen",
        name_en="Kitchen",
        name_ar="مطبخ",
        essentials=(
            E(T("Cabinets, per running metre", "دواليب مطبخ (بالمتر الطولي)"), 4, None, (32_000, 90_000)),
            E(T("Granite or quartz worktop", "رخامة جرانيت أو كوارتز"), 1, None, (8_000, 30_000)),
            E(T("Sink and mixer", "حوض وخلاط"), 1, None, (4_000, 12_000)),
            E(T("Cooker hood", "شفاط"), 1, (90, 50, 60), (5_000, 18_000)),
        ),
        tip=T(
            "Keep the sink–hob–fridge triangle at 4–7 m in total and tile or glass the wall between worktop "
            "and wall units.",
            "خلي مثلث الحوض والبوتاجاز والتلاجة من 4 لـ 7 متر إجمالي، وحط سيراميك أو زجاج بين الرخامة "
            "والدواليب العلوية.",
        ),
        aliases=("kitchenette", "مطابخ"),
    ),
    RoomType(
        id="bathroom",
        name_en="Bathroom",
        name_ar="حمام",
        essentials=(
            E(T("Vanity unit with basin", "وحدة حوض"), 1, (80, 50, 85), (6_000, 20_000)),
            E(
                T("Wall-hung toilet with concealed cistern", "قاعدة معلقة بصندوق دفن"),
                1,
                (36, 52, 40),
                (7_000, 20_000),
            ),
            E(T("Glass shower enclosure", "كابينة شاور زجاج"), 1, (90, 90, 200), (6_000, 16_000)),
            E(T("Mixers and fittings", "خلاطات وإكسسوارات"), 1, None, (5_000, 15_000)),
        ),
        tip=T(
            "Waterproof the floor and at least 30 cm up the walls (full height in the shower) before "
            "tiling, and slope the floor 1–2 % to the drain.",
            "اعمل عزل للأرضية و30 سم على الأقل على الحيطان (وللسقف في الشاور) قبل السيراميك، وخلي ميل "
            "الأرضية 1–2% ناحية الصفاية.",
        ),
        aliases=("toilet", "bath", "wc", "تواليت"),
    ),
    RoomType(
        id="dining_room",
        name_en="Dining room",
        name_ar="أوضة السفرة",
        essentials=(
            E(T("Dining table for 6", "ترابيزة سفرة 6 أفراد"), 1, (180, 90, 76), (15_000, 40_000)),
            E(T("Dining chairs", "كراسي سفرة"), 6, (45, 55, 95), (12_000, 36_000)),
            E(T("Buffet", "بوفيه"), 1, (180, 45, 85), (12_000, 35_000)),
            E(T("Pendant light", "نجفة"), 1, None, (3_000, 12_000)),
        ),
        tip=T(
            "Allow 90 cm between the table and the wall so chairs pull out; hang the light 75 cm above the "
            "table.",
            "سيب 90 سم بين الترابيزة والحيطة عشان الكراسي تتسحب، وعلق النجفة 75 سم فوق الترابيزة.",
        ),
        aliases=("dining", "سفره", "غرفه سفره", "غرفه طعام"),
    ),
    RoomType(
        id="home_office",
        name_en="Home office",
        name_ar="أوضة مكتب",
        essentials=(
            E(T("Desk", "مكتب"), 1, (140, 70, 75), (5_000, 15_000)),
            E(T("Ergonomic chair", "كرسي مريح للضهر"), 1, None, (4_000, 15_000)),
            E(T("Bookcase", "مكتبة"), 1, (100, 35, 200), (5_000, 15_000)),
            E(T("Desk lamp", "أباجورة مكتب"), 1, None, (800, 3_000)),
        ),
        tip=T(
            "Set the desk at right angles to the window to avoid glare, with sockets at desk height.",
            "حط المكتب عمودي على الشباك عشان الانعكاس، وزود برايز على ارتفاع المكتب.",
        ),
        aliases=("office", "study", "study room", "workspace", "اوضه مذاكره", "مكتب"),
    ),
    RoomType(
        id="entrance",
        name_en="Entrance hall",
        name_ar="مدخل",
        essentials=(
            E(T("Console", "كونسول"), 1, (120, 35, 80), (4_000, 12_000)),
            E(T("Mirror", "مراية"), 1, None, (2_000, 7_000)),
            E(T("Shoe cabinet", "جزامة"), 1, (100, 35, 110), (4_000, 12_000)),
            E(T("Wall lights", "أبليكات"), 2, None, (1_500, 5_000)),
        ),
        tip=T(
            "A mirror beside the door makes a narrow entrance feel twice as wide; keep 1 m clear for the "
            "door.",
            "مراية جنب الباب بتخلي المدخل الضيق يبان ضعف عرضه، وسيب متر فاضي لفتحة الباب.",
        ),
        aliases=("entrance", "entry", "foyer", "hall", "hallway", "corridor", "طرقه", "هول"),
    ),
    RoomType(
        id="balcony",
        name_en="Balcony",
        name_ar="بلكونة",
        essentials=(
            E(T("Bistro table and 2 chairs", "ترابيزة وكرسيين"), 1, None, (5_000, 15_000)),
            E(T("Planters and plants", "قصاري ونباتات"), 1, None, (2_000, 8_000)),
            E(T("Outdoor rug", "سجادة خارجية"), 1, None, (1_000, 4_000)),
            E(T("Privacy screen", "ساتر خشب أو بامبو"), 1, None, (2_000, 6_000)),
        ),
        tip=T(
            "Use slip-resistant outdoor tiles and UV-resistant fabrics, and check the floor drains outward.",
            "استخدم سيراميك خارجي ضد الانزلاق وأقمشة بتستحمل الشمس، واتأكد إن ميل الأرضية للصرف.",
        ),
        aliases=("terrace", "veranda", "بلكونه", "بلكون", "تراس"),
    ),
    RoomType(
        id="dressing_room",
        name_en="Dressing room",
        name_ar="دريسنج روم",
        essentials=(
            E(
                T("Wardrobe system, per running metre", "وحدات دريسنج (بالمتر الطولي)"),
                3,
                None,
                (15_000, 45_000),
            ),
            E(T("Drawer island", "جزيرة أدراج"), 1, (120, 60, 90), (6_000, 18_000)),
            E(T("Full-length mirror", "مراية طويلة"), 1, None, (2_000, 6_000)),
            E(T("Ottoman", "بف"), 1, None, (2_000, 6_000)),
        ),
        tip=T(
            "Plan 60 cm deep hanging, 35 cm shelves and LED strips in every bay.",
            "خلي عمق التعليق 60 سم والأرفف 35 سم، وحط شريط ليد في كل وحدة.",
        ),
        aliases=("dressing", "walk in closet", "closet", "دريسنج", "غرفه ملابس"),
    ),
    RoomType(
        id="roof",
        name_en="Roof terrace",
        name_ar="روف",
        essentials=(
            E(T("Pergola", "برجولة"), 1, (300, 300, 250), (25_000, 70_000)),
            E(T("Outdoor sofa set", "طقم قعدة خارجي"), 1, None, (15_000, 45_000)),
            E(T("Planters", "قصاري زرع"), 1, None, (4_000, 12_000)),
            E(T("Outdoor lighting", "إضاءة خارجية"), 1, None, (3_000, 10_000)),
        ),
        tip=T(
            "Waterproof and heat-insulate the roof slab before any finishing.",
            "اعمل عزل مائي وحراري لسقف الروف قبل أي تشطيب.",
        ),
        aliases=("roof", "rooftop", "roof garden", "روف جاردن"),
    ),
)
