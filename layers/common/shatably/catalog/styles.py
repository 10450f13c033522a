"""The style catalogue as data: one record per style, both languages, Egyptian finishing vocabulary.

Palettes always carry at least one wall, floor, textile and accent swatch: the offline renderer and
the plan builder rely on finding each role. ``price_factor`` scales mid-market furniture prices.
"""

from __future__ import annotations

from shatably.catalog.models import Style, Surface, Swatch, SwatchRole, Text


def _sw(name_en: str, name_ar: str, hex_: str, role: SwatchRole) -> Swatch:
    return Swatch(name_en, name_ar, hex_, role)


def _mat(walls: Text, floor: Text, ceiling: Text, joinery: Text) -> dict[Surface, Text]:
    return {"walls": walls, "floor": floor, "ceiling": ceiling, "joinery": joinery}


T = Text

STYLES: tuple[Style, ...] = (
    Style(
        id="modern_arabic",
        name_en="Modern Arabic",
        name_ar="عربي مودرن",
        description=T(
            "Clean modern lines with an Arabic soul: arches, mashrabiya screens and warm sand tones.",
            "خطوط مودرن بسيطة بروح عربية: أقواس ومشربيات وأرابيسك بدرجات الرملي الدافية.",
        ),
        palette=(
            _sw("Sand beige", "بيج رملي", "#E6D5B8", "wall"),
            _sw("Walnut", "خشب جوز", "#6B4A2F", "wood"),
            _sw("Terracotta", "تراكوتا", "#B5653A", "accent"),
            _sw("Petrol blue", "أزرق بترولي", "#1F5C5B", "textile"),
            _sw("Antique brass", "نحاس عتيق", "#B08D57", "metal"),
            _sw("Travertine", "ترافرتين", "#D9CBB3", "floor"),
        ),
        materials=_mat(
            T(
                "Matte plastic paint in sand tones, a gypsum arch niche and one mashrabiya feature wall",
                "دهان بلاستيك مطفي بدرجات الرملي، نيش جبس على شكل قوس، وحيطة مميزة بمشربية خشب",
            ),
            T(
                "Beige marble-look porcelain 60×120 with an Arabic-pattern rug",
                "بورسلين بيج شبه الرخام 60×120 مع سجادة بنقشة عربية",
            ),
            T(
                "Gypsum board drop ceiling with a hidden-light cove and a geometric brass pendant",
                "سقف جبس بورد ساقط بمجرى إضاءة مخفية ونجفة نحاس هندسية",
            ),
            T(
                "Walnut-veneer doors and cabinets with arch or arabesque details",
                "أبواب ودواليب قشرة جوز بتفاصيل أقواس أو أرابيسك",
            ),
        ),
        furniture=(
            T("Low majlis seating with firm back cushions", "قعدة عربي واطية (مجلس) بمساند"),
            T("Brass lanterns", "فوانيس نحاس"),
            T("Carved wooden side tables", "ترابيزات جانبية خشب محفور"),
            T("Kilim or hand-knotted rug", "كليم أو سجاد يدوي"),
        ),
        prompt=(
            "modern Arabic interior, pointed arches, mashrabiya wooden screen, sand and terracotta tones, "
            "brass lanterns, low majlis seating, soft warm light, editorial interior photography"
        ),
        aliases=("modern arab", "arabic modern", "arab modern", "مودرن عربي", "شرقي مودرن"),
        price_factor=1.2,
    ),
    Style(
        id="islamic_geometric",
        name_en="Islamic Geometric",
        name_ar="إسلامي هندسي",
        description=T(
            "Star-and-polygon patterns, arabesque woodwork and jewel tones, as in Cairo's historic houses.",
            "نقوش نجوم وأشكال هندسية إسلامية، خشب أرابيسك، وألوان جواهر زي بيوت القاهرة التاريخية.",
        ),
        palette=(
            _sw("Ivory plaster", "عاجي", "#EFE6D2", "wall"),
            _sw("Lapis blue", "أزرق لازوردي", "#26619C", "accent"),
            _sw("Emerald", "أخضر زمردي", "#1E6B52", "textile"),
            _sw("Dark mahogany", "ماهوجني غامق", "#4A2C21", "wood"),
            _sw("Gilded brass", "نحاس مدهب", "#C9A44C", "metal"),
            _sw("Cream marble", "رخام كريمي", "#E3D8C3", "floor"),
        ),
        materials=_mat(
            T(
                "Matte paint with a band of geometric zellige tiles or carved gypsum star patterns",
                "دهان مطفي مع شريط زليج هندسي أو نقوش نجوم جبس محفورة",
            ),
            T(
                "Cream Galala marble with an inlaid geometric medallion",
                "رخام جلالة كريمي مع وحدة هندسية مطعمة في النص",
            ),
            T(
                "Gypsum board coffered ceiling with a star-pattern wooden insert",
                "سقف جبس بورد بتجاليد وحشوة خشب بنقشة النجمة",
            ),
            T(
                "Arabesque turned-wood screens and doors in dark-stained beech",
                "أبواب وبرافانات أرابيسك خرط من خشب الزان المصبوغ غامق",
            ),
        ),
        furniture=(
            T("Mother-of-pearl inlaid side tables", "ترابيزات مطعمة صدف"),
            T("Carved console with a geometric mirror", "كونسول خشب محفور ومراية بإطار هندسي"),
            T("Pierced brass lanterns", "فوانيس نحاس مخرمة"),
            T("Velvet floor cushions in jewel tones", "مساند قطيفة بألوان الجواهر"),
        ),
        prompt=(
            "Islamic geometric interior, eight-point star patterns, carved arabesque wood screens, zellige "
            "tile band, mother-of-pearl inlay, pierced brass lanterns casting patterned light, jewel tones, "
            "architectural interior photography"
        ),
        aliases=("islamic", "arabesque", "islamic style", "إسلامي", "ارابيسك", "زخارف اسلاميه"),
        price_factor=1.4,
    ),
    Style(
        id="egyptian_contemporary",
        name_en="Egyptian Contemporary",
        name_ar="مصري معاصر",
        description=T(
            "Today's Egyptian home: a calm modern layout in Nile-valley materials — limestone, Aswan "
            "granite, palm fibre, handmade pottery and Akhmim cotton.",
            "البيت المصري النهارده: تصميم مودرن هادي بخامات وادي النيل، حجر هاشمي وجرانيت أسواني وخوص وفخار "
            "يدوي وقطن أخميم.",
        ),
        palette=(
            _sw("Limestone white", "أبيض حجري", "#E4D9C6", "wall"),
            _sw("Nile blue", "أزرق نيلي", "#2E5E7E", "accent"),
            _sw("Ash wood", "خشب أرو", "#B58B5E", "wood"),
            _sw("Natural linen", "كتان طبيعي", "#D8CBB5", "textile"),
            _sw("Galala beige", "بيج جلالة", "#D6C6A8", "floor"),
            _sw("Copper", "نحاس أحمر", "#B06F45", "metal"),
        ),
        materials=_mat(
            T(
                "Limestone-white matte plastic paint with one Hashemi-stone cladding wall",
                "دهان بلاستيك مطفي أبيض حجري مع حيطة تكسية حجر هاشمي",
            ),
            T(
                "Galala marble or matte beige porcelain 60×60",
                "رخام جلالة أو بورسلين بيج مطفي 60×60",
            ),
            T(
                "Plain white paint with a slim gypsum board cove for a hidden LED strip",
                "دهان أبيض سادة مع بانوه جبس بورد رفيع لشريط ليد مخفي",
            ),
            T(
                "Ash (أرو) veneer with flush handles and palm-fibre door panels",
                "قشرة أرو بمقابض مخفية وحشوات خوص في الضلف",
            ),
        ),
        furniture=(
            T("Low linen sofa with Akhmim cotton cushions", "كنبة كتان واطية بخداديات قطن أخميمي"),
            T("Palm-rib or rattan armchair", "كرسي جريد أو راتان"),
            T("Handmade Fayoum pottery and lamps", "فخار وأباجورات يدوي من الفيوم"),
            T("Aswan granite coffee table", "ترابيزة قهوة جرانيت أسواني"),
        ),
        prompt=(
            "contemporary Egyptian interior, limestone walls, Hashemi stone feature wall, ash wood joinery, "
            "palm-rib and rattan furniture, handmade Fayoum pottery, Nile-blue accents, soft daylight, "
            "architectural interior photography"
        ),
        aliases=("modern egyptian", "egyptian modern", "مصري مودرن", "مصري حديث"),
        price_factor=1.1,
    ),
    Style(
        id="japandi",
        name_en="Japandi",
        name_ar="جاباندي",
        description=T(
            "Japanese calm meets Scandinavian comfort: low natural-wood furniture, soft neutrals, nothing "
            "extra.",
            "هدوء ياباني مع راحة إسكندنافي: أثاث واطي من الخشب الطبيعي، ألوان محايدة هادية، ومفيش أي حاجة "
            "زيادة.",
        ),
        palette=(
            _sw("Warm white", "أبيض دافي", "#EEE8DD", "wall"),
            _sw("Oak", "خشب بلوط", "#C19A6B", "wood"),
            _sw("Charcoal", "فحمي", "#3A3A38", "accent"),
            _sw("Stone grey", "رمادي حجري", "#A7A197", "textile"),
            _sw("Sage", "أخضر سيج", "#9CA58C", "accent"),
            _sw("Pale oak", "بلوط فاتح", "#CDB28F", "floor"),
        ),
        materials=_mat(
            T(
                "Warm-white matte plastic paint or a lime-wash effect",
                "دهان بلاستيك مطفي أبيض دافي أو تأثير الجير (لايم ووش)",
            ),
            T(
                "Light-oak HDF parquet or matte wood-look porcelain 20×120",
                "باركيه HDF بلوط فاتح أو بورسلين مطفي شبه الخشب 20×120",
            ),
            T(
                "Flat white ceiling with slim wooden slats over the seating area",
                "سقف أبيض سادة مع شرائح خشب رفيعة فوق القعدة",
            ),
            T(
                "Handle-less natural oak or beech (زان) veneer with slatted panels",
                "قشرة بلوط أو زان طبيعي من غير مقابض مع حشوات شرائح",
            ),
        ),
        furniture=(
            T("Low platform bed or sofa in oak", "سرير أو كنبة واطية على قاعدة خشب بلوط"),
            T("Paper or linen pendant lamp", "أباجورة معلقة ورق أو كتان"),
            T("Round low coffee table", "ترابيزة قهوة مدورة واطية"),
            T("Ceramic vases with single branches", "فازات سيراميك بفرع واحد"),
        ),
        prompt=(
            "Japandi interior, low oak furniture, warm white walls, linen textiles, paper pendant lamp, "
            "wooden slats, muted sage and charcoal accents, calm minimal styling, soft diffused daylight, "
            "high-end interior photography"
        ),
        aliases=("japandi style", "japanese scandinavian", "جابندي", "ياباني اسكندنافي"),
        price_factor=1.1,
    ),
    Style(
        id="scandinavian",
        name_en="Scandinavian",
        name_ar="إسكندنافي",
        description=T(
            "Bright, cosy and practical: white walls, pale wood, soft textiles and plenty of daylight.",
            "منور ودافي وعملي: حيطان بيضا، خشب فاتح، مفروشات ناعمة، ونور طبيعي كتير.",
        ),
        palette=(
            _sw("Snow white", "أبيض ثلجي", "#F4F4F0", "wall"),
            _sw("Birch", "خشب بتولا", "#D8C3A5", "wood"),
            _sw("Dusty blue", "أزرق رمادي", "#8DA3B5", "accent"),
            _sw("Light wool grey", "رمادي صوف فاتح", "#C9C9C4", "textile"),
            _sw("Mustard", "أصفر مستردة", "#D4A537", "accent"),
            _sw("Pale ash", "أرو فاتح", "#DCCBB0", "floor"),
        ),
        materials=_mat(
            T("Washable white matte plastic paint", "دهان بلاستيك مطفي أبيض قابل للغسيل"),
            T("Pale ash or oak HDF parquet", "باركيه HDF أرو أو بلوط فاتح"),
            T(
                "Plain white paint, no drop ceiling; track or pendant lights",
                "دهان أبيض سادة من غير سقف ساقط، وإضاءة تراك أو معلقة",
            ),
            T(
                "White lacquer or birch-ply cabinets with wooden knobs",
                "دواليب لاكيه أبيض أو أبلكاش بتولا بمقابض خشب",
            ),
        ),
        furniture=(
            T("Grey fabric sofa on tapered wooden legs", "كنبة قماش رمادي برجول خشب مدببة"),
            T("Wishbone-style wooden chairs", "كراسي خشب على طراز ويشبون"),
            T("Sheepskin throw and knitted cushions", "فروة وخداديات تريكو"),
            T("Plants in simple white pots", "نباتات في أصص بيضا بسيطة"),
        ),
        prompt=(
            "Scandinavian interior, white walls, pale wood floor, grey fabric sofa, knitted throws, mustard "
            "and dusty blue accents, indoor plants, bright Nordic daylight, hygge, interior magazine "
            "photography"
        ),
        aliases=("scandi", "nordic", "اسكندنافي", "سكندنافي", "نوردك"),
        price_factor=0.9,
    ),
    Style(
        id="industrial",
        name_en="Industrial",
        name_ar="إندستريال",
        description=T(
            "Loft character: exposed brick and concrete, black steel, leather and reclaimed wood.",
            "روح اللوفت: طوب ظاهر وخرسانة، حديد أسود، جلد وخشب قديم.",
        ),
        palette=(
            _sw("Concrete grey", "رمادي خرساني", "#8F8D89", "wall"),
            _sw("Brick red", "أحمر طوبي", "#9C4A33", "accent"),
            _sw("Black steel", "حديد أسود", "#2B2B2B", "metal"),
            _sw("Cognac leather", "جلد كونياك", "#8B5A2B", "textile"),
            _sw("Reclaimed wood", "خشب معتق", "#6F5640", "wood"),
            _sw("Polished concrete", "خرسانة مصقولة", "#A5A29B", "floor"),
        ),
        materials=_mat(
            T(
                "Exposed red-brick cladding on one wall, concrete-effect paint or microcement on the rest",
                "تكسية طوب أحمر ظاهر على حيطة، والباقي دهان بتأثير الخرسانة أو ميكرو سمنت",
            ),
            T(
                "Microcement or grey concrete-look porcelain 60×120",
                "ميكرو سمنت أو بورسلين رمادي شبه الخرسانة 60×120",
            ),
            T(
                "Exposed ceiling painted dark, black track lights and Edison bulbs",
                "سقف مكشوف بدهان غامق مع تراك أسود ولمبات إديسون",
            ),
            T(
                "Black wrought-steel frames with reclaimed-wood shelves",
                "شاسيهات حديد أسود مع أرفف خشب معتق",
            ),
        ),
        furniture=(
            T("Cognac leather sofa", "كنبة جلد كونياك"),
            T("Steel-and-wood shelving unit", "مكتبة حديد وخشب"),
            T("Factory-style pendant lamps", "أباجورات معلقة ستايل المصانع"),
            T("Steel-framed glass partition", "قاطوع زجاج بإطار حديد"),
        ),
        prompt=(
            "industrial loft interior, exposed red brick wall, polished concrete floor, black steel frames, "
            "cognac leather sofa, reclaimed wood shelves, Edison bulb pendants, large factory window, moody "
            "natural light, interior photography"
        ),
        aliases=("industrial style", "loft", "اندستريال", "صناعي", "لوفت"),
        price_factor=0.95,
    ),
    Style(
        id="mid_century_modern",
        name_en="Mid-century Modern",
        name_ar="ميد سينشري مودرن",
        description=T(
            "1950s–60s optimism: walnut furniture on slim legs, organic curves, mustard, teal and orange.",
            "روح الخمسينات والستينات: أثاث جوز برجول رفيعة، منحنيات طبيعية، ولمسات مستردة وبترولي وبرتقالي.",
        ),
        palette=(
            _sw("Warm white", "أبيض دافي", "#F1EBDF", "wall"),
            _sw("Walnut", "جوز", "#5C3A21", "wood"),
            _sw("Mustard", "أصفر مستردة", "#D19E2E", "accent"),
            _sw("Teal", "بترولي", "#2F6F73", "textile"),
            _sw("Burnt orange", "برتقالي محروق", "#C5582B", "accent"),
            _sw("Honey oak", "بلوط عسلي", "#B88A55", "floor"),
        ),
        materials=_mat(
            T(
                "Warm-white matte paint with a walnut slatted accent wall",
                "دهان مطفي أبيض دافي مع حيطة شرائح خشب جوز",
            ),
            T("Honey-oak herringbone parquet", "باركيه سنبلة بلوط عسلي"),
            T(
                "Flat white ceiling with a sputnik or globe pendant",
                "سقف أبيض سادة مع نجفة سبوتنيك أو كرات",
            ),
            T(
                "Walnut-veneer sideboards on tapered legs with brass details",
                "بوفيهات قشرة جوز برجول مدببة وتفاصيل نحاس",
            ),
        ),
        furniture=(
            T("Lounge chair with ottoman", "كرسي استرخاء مع بف"),
            T("Walnut sideboard on tapered legs", "بوفيه جوز برجول مدببة"),
            T("Tulip or oval dining table", "ترابيزة سفرة توليب أو بيضاوي"),
            T("Arc floor lamp", "لامبدير مقوس"),
        ),
        prompt=(
            "mid-century modern interior, walnut furniture on tapered legs, lounge chair and ottoman, "
            "mustard teal and burnt orange accents, herringbone floor, sputnik chandelier, 1960s styling, "
            "warm afternoon light, interior photography"
        ),
        aliases=("mid century", "midcentury", "midcentury modern", "mcm", "ميد سنشري", "ميد سينشري"),
        price_factor=1.1,
    ),
    Style(
        id="bohemian",
        name_en="Bohemian",
        name_ar="بوهيمي",
        description=T(
            "Relaxed and collected: layered rugs, rattan, macramé, plants and warm earthy colours.",
            "مريح ومتجمع من كل حتة: سجاد فوق بعضه، راتان، مكرميه، نباتات وألوان ترابية دافية.",
        ),
        palette=(
            _sw("Warm cream", "كريمي دافي", "#F0E4D0", "wall"),
            _sw("Terracotta", "تراكوتا", "#C0673E", "accent"),
            _sw("Olive", "زيتي", "#6B7039", "textile"),
            _sw("Rattan", "راتان", "#C49A6C", "wood"),
            _sw("Saffron", "زعفراني", "#E0A030", "accent"),
            _sw("Warm wood", "خشب دافي", "#9A6B45", "floor"),
        ),
        materials=_mat(
            T(
                "Warm cream matte paint or textured lime plaster",
                "دهان مطفي كريمي دافي أو بياض جير بملمس",
            ),
            T(
                "Warm wood-look porcelain or terracotta-look tiles under layered rugs",
                "بورسلين شبه الخشب الدافي أو بلاط شبه التراكوتا تحت سجاد متعدد",
            ),
            T("Plain paint with rattan or woven pendant lamps", "دهان سادة مع أباجورات معلقة راتان أو خوص"),
            T(
                "Rattan and cane-webbed (خرزان) doors, open beech shelves",
                "ضلف راتان وخرزان، وأرفف مفتوحة خشب زان",
            ),
        ),
        furniture=(
            T("Low sofa with mixed-pattern cushions", "كنبة واطية بخداديات نقوش مختلفة"),
            T("Rattan hanging chair", "كرسي راتان معلق"),
            T("Macramé wall hanging", "معلقة مكرميه"),
            T("Floor poufs and plenty of plants", "بفات أرضية ونباتات كتير"),
        ),
        prompt=(
            "bohemian interior, layered kilim rugs, rattan hanging chair, macramé wall hanging, abundant "
            "plants, terracotta and olive textiles, warm cream walls, eclectic decor, golden hour light, "
            "interior photography"
        ),
        aliases=("boho", "boho chic", "بوهو", "بوهيميان"),
        price_factor=0.8,
    ),
    Style(
        id="coastal",
        name_en="Coastal",
        name_ar="ساحلي",
        description=T(
            "A Sahel-summer breeze: whites, sand and sea blues, whitewashed wood and natural fibres.",
            "نسمة صيف الساحل: أبيض ورملي ودرجات أزرق البحر، خشب مبيض وألياف طبيعية.",
        ),
        palette=(
            _sw("Sea-salt white", "أبيض ملح البحر", "#F5F3EE", "wall"),
            _sw("Sand", "رملي", "#DCCFB4", "floor"),
            _sw("Sea blue", "أزرق بحري", "#3F7CA6", "accent"),
            _sw("Aqua", "أكوا", "#9CC9C9", "textile"),
            _sw("Driftwood", "خشب مبيض", "#A8957B", "wood"),
            _sw("Coral", "مرجاني", "#E08A6C", "accent"),
        ),
        materials=_mat(
            T(
                "White or pale-blue satin paint, washable and humidity-resistant",
                "دهان ساتان أبيض أو أزرق فاتح جداً، بيتغسل وبيستحمل الرطوبة",
            ),
            T(
                "Sand-coloured slip-resistant matte porcelain 60×60",
                "بورسلين مطفي لون رملي ضد الانزلاق 60×60",
            ),
            T("Plain white ceiling or white wooden slats", "سقف أبيض سادة أو شرائح خشب أبيض"),
            T(
                "Whitewashed pine (موسكي) with louvred doors and rope handles",
                "خشب موسكي مبيض بضلف شيش ومقابض حبال",
            ),
        ),
        furniture=(
            T("White linen sofa with removable covers", "كنبة كتان أبيض بكسوة بتتقلع"),
            T("Jute rug", "سجادة جوت"),
            T("Rattan lounge chairs", "كراسي راتان"),
            T("Blue-and-white striped cushions", "خداديات مقلمة أزرق وأبيض"),
        ),
        prompt=(
            "coastal interior, seaside holiday house, white walls, sand-coloured floor, whitewashed wood, "
            "blue and aqua textiles, jute rug, rattan chairs, sea view through large window, airy bright "
            "daylight, interior photography"
        ),
        aliases=("beach house", "beach", "nautical", "sahel", "ساحل"),
        price_factor=0.95,
    ),
    Style(
        id="neoclassical",
        name_en="Neoclassical",
        name_ar="نيو كلاسيك",
        description=T(
            "Classical order made lighter: symmetry, mouldings, columns and soft neutrals with gold.",
            "الكلاسيك بشكل أخف: تماثل، كرانيش وبانوهات، أعمدة، وألوان هادية مع دهبي.",
        ),
        palette=(
            _sw("Ivory", "عاجي", "#F3EDE1", "wall"),
            _sw("Champagne gold", "دهبي شامبين", "#C8A96A", "metal"),
            _sw("Soft blue-grey", "رمادي مزرق", "#A9B6C2", "textile"),
            _sw("Dusty rose", "روز هادي", "#C9A9A0", "accent"),
            _sw("Dark oak", "بلوط غامق", "#6A4E3A", "wood"),
            _sw("Carrara marble", "رخام كرارة", "#E9E7E3", "floor"),
        ),
        materials=_mat(
            T(
                "Ivory satin plastic paint with gypsum wall panels (بانوهات) and cornices",
                "دهان بلاستيك ساتان عاجي مع بانوهات وكرانيش جبس",
            ),
            T(
                "Carrara marble or polished porcelain 60×120 with a border",
                "رخام كرارة أو بورسلين لامع 60×120 مع برواز",
            ),
            T(
                "Gypsum board ceiling with layered cornices and a crystal chandelier",
                "سقف جبس بورد بكرانيش متدرجة ونجفة كريستال",
            ),
            T(
                "Cream lacquer doors with raised panels and gold-leaf trims",
                "أبواب لاكيه كريمي بحشوات بارزة وخطوط ورق دهب",
            ),
        ),
        furniture=(
            T("Upholstered sofa with carved legs", "كنبة منجدة برجول محفورة"),
            T("Marble-top console with a gilt mirror", "كونسول سطحه رخام ومراية مدهبة"),
            T("Crystal chandelier", "نجفة كريستال"),
            T("Pair of bergère armchairs", "جوز كراسي برجير"),
        ),
        prompt=(
            "neoclassical interior, symmetrical layout, wall panel mouldings, ivory walls, Carrara marble "
            "floor, crystal chandelier, gilt mirror, upholstered furniture with carved legs, soft elegant "
            "daylight, luxury interior photography"
        ),
        aliases=("neo classic", "neoclassic", "نيوكلاسيك", "نيو كلاسيكي"),
        price_factor=1.6,
    ),
    Style(
        id="minimalist",
        name_en="Minimalist",
        name_ar="مينيمال",
        description=T(
            "Less but better: clear surfaces, hidden storage, a tight neutral palette and quality materials.",
            "قليل بس حلو: أسطح فاضية، تخزين مخفي، ألوان محايدة قليلة، وخامات كويسة.",
        ),
        palette=(
            _sw("Pure white", "أبيض صافي", "#FAFAF8", "wall"),
            _sw("Light grey", "رمادي فاتح", "#D9D9D6", "floor"),
            _sw("Graphite", "جرافيت", "#4A4A4A", "accent"),
            _sw("Oak", "بلوط", "#C4A27A", "wood"),
            _sw("Off-white linen", "كتان أوف وايت", "#ECE7DE", "textile"),
            _sw("Matte black", "أسود مطفي", "#1E1E1E", "metal"),
        ),
        materials=_mat(
            T(
                "White matte plastic paint with a recessed shadow-gap skirting",
                "دهان بلاستيك مطفي أبيض ووزرة غاطسة (شادو جاب)",
            ),
            T(
                "Large-format light-grey porcelain 120×120 or microcement, minimal grout",
                "بورسلين رمادي فاتح مقاس كبير 120×120 أو ميكرو سمنت بأقل عراميس",
            ),
            T(
                "Flat gypsum board ceiling with trimless recessed spots",
                "سقف جبس بورد مستوي بسبوتات غاطسة من غير إطار",
            ),
            T(
                "Floor-to-ceiling handle-less matte lacquer or HPL wardrobes",
                "دواليب من الأرض للسقف لاكيه مطفي أو HPL من غير مقابض",
            ),
        ),
        furniture=(
            T("Low off-white sofa", "كنبة واطية أوف وايت"),
            T("Floating TV unit", "وحدة تليفزيون معلقة"),
            T("One sculptural lamp", "أباجورة واحدة مميزة"),
            T("Built-in hidden storage", "تخزين مخفي بيلت إن"),
        ),
        prompt=(
            "minimalist interior, white walls, large-format light grey floor, handle-less built-in storage, "
            "low off-white sofa, uncluttered surfaces, one sculptural lamp, soft even daylight, "
            "architectural photography"
        ),
        aliases=("minimal", "minimalism", "مينيماليست", "مينيماليزم", "مينيمالزم"),
        price_factor=1.0,
    ),
    Style(
        id="art_deco",
        name_en="Art Deco",
        name_ar="آرت ديكو",
        description=T(
            "1920s glamour: bold geometry, fan and sunburst motifs, velvet, lacquer and polished brass.",
            "فخامة العشرينات: أشكال هندسية جريئة، مراوح وشموس، قطيفة ولاكيه ونحاس لامع.",
        ),
        palette=(
            _sw("Ivory", "عاجي", "#F2EBDD", "wall"),
            _sw("Deep emerald", "زمردي غامق", "#1F4D3F", "accent"),
            _sw("Black lacquer", "لاكيه أسود", "#151515", "wood"),
            _sw("Polished brass", "نحاس لامع", "#C9A227", "metal"),
            _sw("Powder pink velvet", "قطيفة بينك بودرة", "#D8A7A0", "textile"),
            _sw("White marble", "رخام أبيض", "#EDEBE6", "floor"),
        ),
        materials=_mat(
            T(
                "Ivory satin paint with one deep-emerald accent wall and inlaid brass strips",
                "دهان ساتان عاجي مع حيطة زمردي غامق وشرائح نحاس مطعمة",
            ),
            T(
                "Black-and-white marble laid in a geometric pattern",
                "رخام أبيض وأسود بتصميم هندسي",
            ),
            T(
                "Stepped gypsum board (tray) ceiling with a sunburst brass chandelier",
                "سقف جبس بورد متدرج مع نجفة نحاس على شكل شمس",
            ),
            T(
                "High-gloss black lacquer with brass trims and fluted panels",
                "لاكيه أسود هاي جلوس بتفاصيل نحاس وحشوات مضلعة",
            ),
        ),
        furniture=(
            T("Curved velvet sofa", "كنبة قطيفة منحنية"),
            T("Fan-back armchairs", "كراسي ضهرها على شكل مروحة"),
            T("Lacquer or mirrored bar cabinet", "بار لاكيه أو مرايات"),
            T("Sunburst mirror", "مراية على شكل شمس"),
        ),
        prompt=(
            "Art Deco interior, 1920s glamour, curved velvet sofa, fluted black lacquer cabinetry, polished "
            "brass trims, emerald accent wall, geometric black and white marble floor, sunburst mirror, "
            "dramatic warm lighting, luxury interior photography"
        ),
        aliases=("deco", "artdeco", "ارت ديكو", "ارتديكو"),
        price_factor=1.5,
    ),
    Style(
        id="modern",
        name_en="Modern",
        name_ar="مودرن",
        description=T(
            "Clean lines, open space and a restrained palette of whites and greys with one bold accent.",
            "خطوط نضيفة، مساحات مفتوحة، وألوان أبيض ورمادي هادية مع لون واحد جريء.",
        ),
        palette=(
            _sw("Cool white", "أبيض", "#F2F2F0", "wall"),
            _sw("Grey porcelain", "بورسلين رمادي", "#B5B3AE", "floor"),
            _sw("Charcoal", "فحمي", "#333638", "textile"),
            _sw("Navy", "كحلي", "#22384F", "accent"),
            _sw("Walnut", "جوز", "#6B4E37", "wood"),
            _sw("Chrome", "كروم", "#A8A9AD", "metal"),
        ),
        materials=_mat(
            T(
                "White or light-grey matte plastic paint with a wood or 3D-panel TV wall",
                "دهان بلاستيك مطفي أبيض أو رمادي فاتح مع حيطة تليفزيون خشب أو بانوهات 3D",
            ),
            T("Grey porcelain 60×120, polished or matte", "بورسلين رمادي 60×120 لامع أو مطفي"),
            T(
                "Gypsum board drop ceiling with hidden LED and spotlights",
                "سقف جبس بورد ساقط بليد مخفي وسبوتات",
            ),
            T(
                "HPL or high-gloss acrylic cabinets with walnut accents",
                "دواليب HPL أو أكريليك هاي جلوس مع لمسات جوز",
            ),
        ),
        furniture=(
            T("L-shaped sectional sofa", "كنبة ركنة (L)"),
            T("Floating TV unit with LED", "وحدة تليفزيون معلقة بإضاءة ليد"),
            T("Glass or ceramic-top coffee table", "ترابيزة قهوة سطح زجاج أو سيراميك"),
            T("Linear pendant light", "إضاءة معلقة طولية"),
        ),
        prompt=(
            "modern interior, clean lines, white and grey walls, large grey porcelain floor, L-shaped "
            "charcoal sectional sofa, floating TV wall with hidden LED, navy accents, walnut details, "
            "bright natural light, contemporary interior photography"
        ),
        aliases=("modern style", "مودرين"),
        price_factor=1.0,
    ),
    Style(
        id="contemporary",
        name_en="Contemporary",
        name_ar="كونتمبوراري",
        description=T(
            "Of the moment: soft curves, warm neutrals, textured finishes and statement lighting.",
            "على الموضة: منحنيات ناعمة، ألوان محايدة دافية، خامات بملمس، وإضاءة مميزة.",
        ),
        palette=(
            _sw("Greige", "جريج", "#D6CEC3", "wall"),
            _sw("Taupe", "بني رمادي", "#9E8E7E", "textile"),
            _sw("Black bronze", "برونز أسود", "#3B3632", "metal"),
            _sw("Travertine", "ترافرتين", "#D8C8AE", "floor"),
            _sw("Smoked oak", "بلوط مدخن", "#7A5C45", "wood"),
            _sw("Clay blush", "تراكوتا فاتح", "#C98B6B", "accent"),
        ),
        materials=_mat(
            T("Greige stucco-effect textured paint", "دهان بملمس الاستكو لون جريج"),
            T(
                "Travertine-look porcelain 60×120 or wide smoked-oak parquet",
                "بورسلين شبه الترافرتين 60×120 أو باركيه بلوط مدخن عريض",
            ),
            T(
                "Gypsum board ceiling with a curved cove and linear LED",
                "سقف جبس بورد بانحناءة وإضاءة ليد خطية",
            ),
            T(
                "Smoked-oak veneer with fluted panels and bronze handles",
                "قشرة بلوط مدخن بحشوات مضلعة ومقابض برونز",
            ),
        ),
        furniture=(
            T("Curved bouclé sofa", "كنبة بوكليه منحنية"),
            T("Sculptural travertine coffee table", "ترابيزة قهوة ترافرتين بشكل نحتي"),
            T("Statement pendant", "نجفة مميزة"),
            T("Textured wool rug", "سجادة صوف بملمس"),
        ),
        prompt=(
            "contemporary interior, curved boucle sofa, greige textured plaster walls, travertine coffee "
            "table, smoked oak fluted joinery, sculptural pendant, warm neutral palette, soft layered "
            "lighting, high-end interior photography"
        ),
        aliases=("contemporary style", "معاصر", "كونتمبرري"),
        price_factor=1.1,
    ),
    Style(
        id="classic",
        name_en="Classic Baroque",
        name_ar="كلاسيك باروك",
        description=T(
            "The grand Egyptian salon: carved gilded wood, damask, heavy drapes, crystal and rich colours.",
            "شكل الصالون المصري الفخم: خشب محفور ومدهب، قماش داماسك، ستاير تقيلة، كريستال وألوان غنية.",
        ),
        palette=(
            _sw("Champagne", "شامبين", "#E9DCC0", "wall"),
            _sw("Burgundy", "نبيتي", "#6D1F2B", "textile"),
            _sw("Gold leaf", "ورق دهب", "#C5A253", "metal"),
            _sw("Dark walnut", "جوز غامق", "#4B3022", "wood"),
            _sw("Royal blue", "أزرق ملكي", "#2A3F7A", "accent"),
            _sw("Cream marble", "رخام كريمي", "#E6DCCB", "floor"),
        ),
        materials=_mat(
            T(
                "Satin paint with gypsum panels framed in gold leaf, or damask wallpaper",
                "دهان ساتان مع بانوهات جبس بإطارات ورق دهب، أو ورق حائط داماسك",
            ),
            T(
                "Polished marble with a water-jet medallion",
                "رخام لامع مع وحدة ووتر جت في النص",
            ),
            T(
                "Gypsum board ceiling with carved gypsum cornices, a rosette and a crystal chandelier",
                "سقف جبس بورد بكرانيش جبس محفورة ووردة في النص ونجفة كريستال",
            ),
            T(
                "Carved beech (زان) with gilding and capitonné upholstery",
                "خشب زان محفور بتذهيب وتنجيد كابيتونيه",
            ),
        ),
        furniture=(
            T("Gilded carved salon set in burgundy damask", "طقم صالون محفور مدهب بقماش داماسك نبيتي"),
            T("Crystal chandelier", "نجفة كريستال"),
            T("Heavy velvet drapes with tie-backs", "ستاير قطيفة تقيلة بشرابات"),
            T("Gilded console with mirror", "كونسول مدهب ومراية"),
        ),
        prompt=(
            "classic baroque interior, grand Egyptian salon, carved gilded wood furniture, burgundy damask "
            "upholstery, crystal chandelier, ornate gypsum cornices, polished marble floor with medallion, "
            "heavy velvet drapes, opulent warm lighting, luxury interior photography"
        ),
        aliases=("classic", "baroque", "louis xv", "كلاسيك", "كلاسيكي", "باروك", "لويس"),
        price_factor=1.8,
    ),
    Style(
        id="modern_classic",
        name_en="Modern Classic",
        name_ar="مودرن كلاسيك",
        description=T(
            "Egypt's favourite balance: classic mouldings and marble with modern lines, soft neutrals and "
            "touches of gold.",
            "التوازن المفضل في مصر: بانوهات ورخام كلاسيك مع خطوط مودرن، ألوان هادية ولمسات دهبي.",
        ),
        palette=(
            _sw("Off-white", "أوف وايت", "#F1ECE3", "wall"),
            _sw("Dove grey", "رمادي حمامي", "#BDB7AE", "textile"),
            _sw("Champagne gold", "دهبي شامبين", "#C9AE74", "metal"),
            _sw("Powder blue", "لبني", "#A7BCCB", "accent"),
            _sw("Light walnut", "جوز فاتح", "#8A6A4F", "wood"),
            _sw("Calacatta marble", "رخام كالاكاتا", "#ECE8E1", "floor"),
        ),
        materials=_mat(
            T(
                "Satin plastic paint with slim gypsum panels and a marble-look TV wall",
                "دهان بلاستيك ساتان مع بانوهات جبس رفيعة وحيطة تليفزيون شبه الرخام",
            ),
            T("Calacatta-look polished porcelain 60×120", "بورسلين لامع شبه رخام كالاكاتا 60×120"),
            T(
                "Gypsum board drop ceiling with a cornice, hidden LED and a modern crystal chandelier",
                "سقف جبس بورد ساقط بكرنيشة وليد مخفي ونجفة كريستال مودرن",
            ),
            T(
                "Light-walnut veneer and off-white lacquer with gold handles",
                "قشرة جوز فاتح ولاكيه أوف وايت بمقابض دهبي",
            ),
        ),
        furniture=(
            T("Tufted sofa on slim gold legs", "كنبة كابيتونيه برجول دهبي رفيعة"),
            T("Marble-top coffee table", "ترابيزة قهوة سطحها رخام"),
            T("Modern crystal chandelier", "نجفة كريستال مودرن"),
            T("Upholstered dining chairs", "كراسي سفرة منجدة"),
        ),
        prompt=(
            "modern classic interior, slim wall panel mouldings, off-white and dove grey palette, Calacatta "
            "marble-look floor, tufted sofa with slim gold legs, marble coffee table, modern crystal "
            "chandelier, hidden LED cove, elegant soft light, luxury interior photography"
        ),
        aliases=("classic modern", "new classic", "كلاسيك مودرن"),
        price_factor=1.5,
    ),
    Style(
        id="rustic",
        name_en="Rustic",
        name_ar="ريفي",
        description=T(
            "Raw and warm: rough timber, natural stone, handmade textures and earthy colours.",
            "خام ودافي: خشب خشن، حجر طبيعي، ملمس يدوي وألوان ترابية.",
        ),
        palette=(
            _sw("Oat", "بيج شوفان", "#E3D5BE", "wall"),
            _sw("Rough timber", "خشب خشن", "#7B5536", "wood"),
            _sw("Fieldstone", "حجر طبيعي", "#9A8F7F", "floor"),
            _sw("Rust", "طوبي", "#A4532E", "accent"),
            _sw("Wool cream", "صوف كريمي", "#EFE7D8", "textile"),
            _sw("Wrought iron", "فيرفورجيه", "#3A3633", "metal"),
        ),
        materials=_mat(
            T(
                "Lime plaster or textured paint with a natural-stone accent wall",
                "بياض جير أو دهان بملمس مع حيطة حجر طبيعي (فرعوني)",
            ),
            T(
                "Rustic stone-look porcelain or terracotta tiles",
                "بورسلين شبه الحجر الريفي أو بلاط تراكوتا",
            ),
            T("Exposed wooden beams on a light ceiling", "كمرات خشب ظاهرة على سقف فاتح"),
            T(
                "Solid pine (موسكي) or reclaimed wood with wrought-iron hardware",
                "خشب موسكي ماسيف أو خشب قديم بإكسسوارات فيرفورجيه",
            ),
        ),
        furniture=(
            T("Solid-wood table", "ترابيزة خشب ماسيف"),
            T("Leather or linen sofa with wool throws", "كنبة جلد أو كتان مع بطاطين صوف"),
            T("Wrought-iron chandelier", "نجفة فيرفورجيه"),
            T("Woven baskets", "سلال خوص"),
        ),
        prompt=(
            "rustic interior, exposed timber ceiling beams, natural stone accent wall, solid reclaimed wood "
            "furniture, wrought iron chandelier, wool and linen textiles, earthy tones, warm cosy light, "
            "interior photography"
        ),
        aliases=("rustic style", "country", "رستيك", "كانتري"),
        price_factor=0.9,
    ),
    Style(
        id="farmhouse",
        name_en="Modern Farmhouse",
        name_ar="فارم هاوس",
        description=T(
            "Country comfort made crisp: white wood panelling, black accents, natural wood and vintage "
            "finds.",
            "راحة الريف بشكل مرتب: تجاليد خشب بيضا، لمسات سودا، خشب طبيعي وقطع فينتاج.",
        ),
        palette=(
            _sw("Farmhouse white", "أبيض فارم هاوس", "#F3F1EA", "wall"),
            _sw("Matte black", "أسود مطفي", "#222222", "metal"),
            _sw("Natural oak", "بلوط طبيعي", "#B38B5D", "wood"),
            _sw("Sage green", "أخضر سيج", "#A3B18A", "accent"),
            _sw("Flax", "كتان", "#D9CCB4", "textile"),
            _sw("Wide-plank oak", "بلوط عريض", "#A47E56", "floor"),
        ),
        materials=_mat(
            T(
                "White paint with shiplap or board-and-batten wood panelling",
                "دهان أبيض مع تجاليد خشب أفقية أو بانوهات خشب",
            ),
            T(
                "Wide-plank oak-look parquet or wood-look porcelain 20×120",
                "باركيه شبه البلوط العريض أو بورسلين شبه الخشب 20×120",
            ),
            T("White ceiling with decorative wooden beams", "سقف أبيض بكمرات خشب ديكور"),
            T(
                "Shaker cabinets painted white or sage with black handles",
                "دواليب شيكر بدهان أبيض أو سيج ومقابض سودا",
            ),
        ),
        furniture=(
            T("Linen sofa with removable covers", "كنبة كتان بكسوة بتتقلع"),
            T("Farmhouse table with cross-back chairs", "ترابيزة ريفي مع كراسي ضهرها متقاطع"),
            T("Black metal lantern pendants", "أباجورات فانوس معدن أسود"),
            T("Sliding barn door", "باب جرار ستايل المخازن"),
        ),
        prompt=(
            "modern farmhouse interior, white shiplap walls, wide plank oak floor, black metal accents, "
            "sage green shaker cabinets, linen slipcovered sofa, sliding barn door, vintage decor, bright "
            "natural light, interior photography"
        ),
        aliases=("farmhouse", "farm house", "فارمهاوس"),
        price_factor=0.95,
    ),
    Style(
        id="mediterranean",
        name_en="Mediterranean",
        name_ar="متوسطي",
        description=T(
            "Sun-washed Mediterranean living: white plaster, arches, terracotta, blue accents and olive "
            "wood.",
            "حياة البحر المتوسط المشمسة: بياض أبيض، أقواس، تراكوتا، لمسات زرقا وخشب زيتون.",
        ),
        palette=(
            _sw("Whitewash", "أبيض جيري", "#F4EFE6", "wall"),
            _sw("Terracotta", "تراكوتا", "#B8623B", "floor"),
            _sw("Aegean blue", "أزرق يوناني", "#2F5D8A", "accent"),
            _sw("Olive wood", "خشب زيتون", "#8C7450", "wood"),
            _sw("Olive green", "زيتوني", "#7A7D4A", "textile"),
            _sw("Wrought iron", "فيرفورجيه", "#33302D", "metal"),
        ),
        materials=_mat(
            T(
                "White textured plaster or lime wash, with rounded arches",
                "بياض أبيض بملمس أو جير، مع أقواس مدورة",
            ),
            T(
                "Terracotta or patterned encaustic cement tiles",
                "بلاط تراكوتا أو بلاط أسمنتي منقوش",
            ),
            T("White ceiling with dark wooden beams", "سقف أبيض بكمرات خشب غامقة"),
            T(
                "Distressed olive or pine wood with wrought-iron hardware",
                "خشب زيتون أو موسكي معتق بإكسسوارات فيرفورجيه",
            ),
        ),
        furniture=(
            T("Built-in bench with cushions", "قعدة مبنية بمراتب وخداديات"),
            T("Wrought-iron and wood dining set", "طقم سفرة فيرفورجيه وخشب"),
            T("Blue-glazed ceramics", "سيراميك مزجج أزرق"),
            T("Olive trees in terracotta pots", "شجر زيتون في قصاري فخار"),
        ),
        prompt=(
            "Mediterranean interior, whitewashed plaster walls, rounded arches, terracotta floor tiles, "
            "dark wooden ceiling beams, wrought iron details, blue glazed ceramics, olive trees in pots, "
            "bright sun-washed light, interior photography"
        ),
        aliases=("mediterranean style", "greek", "santorini", "يوناني", "ميديترينيان", "سانتوريني"),
        price_factor=1.0,
    ),
    Style(
        id="wabi_sabi",
        name_en="Wabi-sabi",
        name_ar="وابي سابي",
        description=T(
            "Beauty in imperfection: hand-troweled plaster, raw wood, stone and muted earthy tones.",
            "الجمال في عدم الكمال: بياض بملمس يدوي، خشب خام، حجر، وألوان ترابية هادية.",
        ),
        palette=(
            _sw("Clay plaster", "طيني فاتح", "#D9CBB8", "wall"),
            _sw("Raw oak", "بلوط خام", "#9F8466", "wood"),
            _sw("Smoke grey", "رمادي دخاني", "#8E8A84", "accent"),
            _sw("Undyed linen", "كتان خام", "#E3DCCF", "textile"),
            _sw("Honed stone", "حجر مطفي", "#A39B90", "floor"),
            _sw("Charcoal clay", "فحمي طيني", "#4A4541", "accent"),
        ),
        materials=_mat(
            T(
                "Hand-troweled microcement or lime plaster with a tadelakt-like finish",
                "ميكرو سمنت أو بياض جير بملمس يدوي زي التادلاكت",
            ),
            T("Honed stone or matte microcement", "حجر مطفي أو ميكرو سمنت مطفي"),
            T(
                "Plaster-finish ceiling without cornices, paper lanterns",
                "سقف بياض بملمس من غير كرانيش، وفوانيس ورق",
            ),
            T(
                "Raw oiled solid wood with visible grain and joints",
                "خشب ماسيف خام مدهون زيت وعروقه ووصلاته باينة",
            ),
        ),
        furniture=(
            T("Low linen daybed", "شيزلونج كتان واطي"),
            T("Live-edge wooden bench", "دكة خشب بحافة طبيعية"),
            T("Handmade stoneware", "فخار وسيراميك يدوي"),
            T("Dried branches in clay vessels", "فروع ناشفة في أواني طين"),
        ),
        prompt=(
            "wabi-sabi interior, hand-troweled clay plaster walls, raw oak and live-edge wood, undyed "
            "linen, handmade stoneware, dried branches, muted earthy palette, quiet imperfection, soft "
            "shadowy daylight, interior photography"
        ),
        aliases=("wabi sabi", "wabisabi", "وابيسابي"),
        price_factor=1.0,
    ),
    Style(
        id="maximalist",
        name_en="Maximalist",
        name_ar="ماكسيماليست",
        description=T(
            "More is more: saturated colour, bold patterns, layered art and collected objects.",
            "كل ما كتر كل ما حلي: ألوان مشبعة، نقوش جريئة، لوحات كتير وقطع متجمعة.",
        ),
        palette=(
            _sw("Jewel green", "أخضر زمردي", "#1E5E4A", "wall"),
            _sw("Fuchsia", "فوشيا", "#B3306E", "accent"),
            _sw("Mustard", "أصفر مستردة", "#D9A520", "textile"),
            _sw("Cobalt", "أزرق كوبالت", "#2446A0", "accent"),
            _sw("Gold", "دهبي", "#C49B3C", "metal"),
            _sw("Walnut herringbone", "باركيه سنبلة جوز", "#6A4A33", "floor"),
        ),
        materials=_mat(
            T(
                "Saturated satin paint with patterned wallpaper on one wall",
                "دهان ساتان بألوان مشبعة وورق حائط منقوش على حيطة",
            ),
            T(
                "Herringbone parquet under layered patterned rugs",
                "باركيه سنبلة تحت سجاد منقوش فوق بعضه",
            ),
            T(
                "Colour-painted ceiling with a statement chandelier",
                "سقف مدهون بلون مع نجفة مميزة",
            ),
            T("Coloured lacquer joinery with brass hardware", "نجارة لاكيه ملون بإكسسوارات نحاس"),
        ),
        furniture=(
            T("Jewel-coloured velvet sofa", "كنبة قطيفة بلون جوهري"),
            T("Gallery wall of mixed frames", "حيطة لوحات بإطارات مختلفة"),
            T("Patterned armchairs", "كراسي بنقوش"),
            T("Collected vases and books", "فازات وكتب متجمعة"),
        ),
        prompt=(
            "maximalist interior, saturated emerald walls, patterned wallpaper, jewel-toned velvet sofa, "
            "gallery wall of mixed frames, layered patterned rugs, brass accents, collected objects, rich "
            "dramatic light, interior photography"
        ),
        aliases=("maximalism", "ماكسيمال", "ماكسيماليزم"),
        price_factor=1.3,
    ),
    Style(
        id="tropical",
        name_en="Tropical",
        name_ar="تروبيكال",
        description=T(
            "A resort at home: lush greens, rattan, teak, leafy prints and breezy whites.",
            "جو المنتجع في البيت: زرع أخضر كتير، راتان، خشب تيك، نقوش ورق شجر، وأبيض منعش.",
        ),
        palette=(
            _sw("Breezy white", "أبيض منعش", "#F6F4EE", "wall"),
            _sw("Palm green", "أخضر نخلي", "#2F6B3F", "textile"),
            _sw("Teak", "خشب تيك", "#8A5A32", "wood"),
            _sw("Coral", "مرجاني", "#E07A5F", "accent"),
            _sw("Rattan beige", "بيج راتان", "#C9A46E", "accent"),
            _sw("Light stone", "حجر فاتح", "#CFC5B4", "floor"),
        ),
        materials=_mat(
            T(
                "Breezy white paint with one botanical wallpaper wall",
                "دهان أبيض منعش وحيطة ورق حائط نباتي",
            ),
            T(
                "Light stone-look porcelain; teak decking on balconies",
                "بورسلين فاتح شبه الحجر، وديك خشب تيك في البلكونة",
            ),
            T("White ceiling with a wooden-blade ceiling fan", "سقف أبيض مع مروحة سقف بريش خشب"),
            T("Teak with rattan-cane panels", "خشب تيك وحشوات خرزان"),
        ),
        furniture=(
            T("Rattan armchairs with leafy cushions", "كراسي راتان بخداديات نقشة ورق شجر"),
            T("Teak coffee table", "ترابيزة قهوة تيك"),
            T("Large palms and monstera", "نباتات كبيرة نخيل ومونستيرا"),
            T("Light linen curtains", "ستاير كتان خفيفة"),
        ),
        prompt=(
            "tropical interior, lush indoor palms and monstera, rattan furniture, teak wood, botanical "
            "print cushions, white walls, ceiling fan with wooden blades, resort atmosphere, bright breezy "
            "daylight, interior photography"
        ),
        aliases=("tropical style", "resort", "استوائي"),
        price_factor=0.95,
    ),
    Style(
        id="transitional",
        name_en="Transitional",
        name_ar="ترانزيشنال",
        description=T(
            "Between classic and modern: classic proportions, simple mouldings and clean-lined comfort.",
            "بين الكلاسيك والمودرن: نسب كلاسيك، بانوهات بسيطة، وأثاث مريح بخطوط نضيفة.",
        ),
        palette=(
            _sw("Soft greige", "جريج هادي", "#DDD5C9", "wall"),
            _sw("Warm taupe", "بني رمادي دافي", "#A59886", "textile"),
            _sw("Navy", "كحلي", "#283A52", "accent"),
            _sw("Brushed nickel", "نيكل مطفي", "#A7A7A2", "metal"),
            _sw("Medium oak", "بلوط متوسط", "#9C7A55", "wood"),
            _sw("Light marble", "رخام فاتح", "#E7E2DA", "floor"),
        ),
        materials=_mat(
            T(
                "Greige satin paint with simple square gypsum panels",
                "دهان ساتان جريج مع بانوهات جبس مربعة بسيطة",
            ),
            T(
                "Light marble-look porcelain 60×120 or oak parquet",
                "بورسلين شبه الرخام الفاتح 60×120 أو باركيه بلوط",
            ),
            T("Gypsum board ceiling with one simple cornice", "سقف جبس بورد بكرنيشة واحدة بسيطة"),
            T(
                "Painted shaker doors with brushed-nickel handles",
                "ضلف شيكر مدهونة بمقابض نيكل مطفي",
            ),
        ),
        furniture=(
            T("Track-arm sofa in taupe", "كنبة بمساند مستقيمة لون بني رمادي"),
            T("Wingback accent chair", "كرسي بأجناب"),
            T("Drum chandelier", "نجفة أسطوانية"),
            T("Wood-and-metal coffee table", "ترابيزة قهوة خشب ومعدن"),
        ),
        prompt=(
            "transitional interior, blend of classic and modern, greige walls with simple panel mouldings, "
            "taupe track-arm sofa, navy accents, brushed nickel details, light marble floor, drum "
            "chandelier, balanced soft daylight, interior photography"
        ),
        aliases=("transitional style", "ترانزشنال", "انتقالي"),
        price_factor=1.1,
    ),
    Style(
        id="hollywood_regency",
        name_en="Hollywood Regency",
        name_ar="هوليوود ريجنسي",
        description=T(
            "Old-Hollywood drama: high-gloss lacquer, mirrored furniture, velvet, bold contrast and gold.",
            "دراما هوليوود القديمة: لاكيه لامع، أثاث مرايات، قطيفة، تباين جريء ودهبي.",
        ),
        palette=(
            _sw("Crisp white", "أبيض ناصع", "#F7F6F3", "wall"),
            _sw("Black gloss", "أسود لامع", "#111111", "wood"),
            _sw("Hot pink", "بينك غامق", "#D6457A", "accent"),
            _sw("Gold", "دهبي", "#D4AF37", "metal"),
            _sw("Emerald velvet", "قطيفة زمردي", "#1D5C4B", "textile"),
            _sw("Checkerboard marble", "رخام شطرنج", "#E8E6E3", "floor"),
        ),
        materials=_mat(
            T(
                "High-gloss white or bold lacquer-effect paint with mirrored panels",
                "دهان لامع أبيض أو بألوان جريئة مع بانوهات مرايات",
            ),
            T("Black-and-white checkerboard marble", "رخام أبيض وأسود شطرنج"),
            T(
                "Gypsum board tray ceiling with a glossy painted recess and a crystal chandelier",
                "سقف جبس بورد متدرج بدهان لامع جوه ونجفة كريستال",
            ),
            T(
                "High-gloss black lacquer with gold hardware and mirrored fronts",
                "لاكيه أسود لامع بمقابض دهبي وضلف مرايات",
            ),
        ),
        furniture=(
            T("Tufted velvet sofa", "كنبة قطيفة كابيتونيه"),
            T("Mirrored side tables", "ترابيزات جانبية مرايات"),
            T("Gold sunburst mirror", "مراية دهبي على شكل شمس"),
            T("Clear acrylic and brass accents", "لمسات أكريليك شفاف ونحاس"),
        ),
        prompt=(
            "Hollywood Regency interior, glamorous, tufted emerald velvet sofa, high-gloss black lacquer, "
            "mirrored furniture, gold accents, checkerboard marble floor, hot pink details, crystal "
            "chandelier, dramatic contrast lighting, luxury interior photography"
        ),
        aliases=("hollywood", "regency", "glam", "هوليود", "هوليوود", "جلام"),
        price_factor=1.7,
    ),
    Style(
        id="moroccan",
        name_en="Moroccan",
        name_ar="مغربي",
        description=T(
            "Riad warmth: zellige tiles, tadelakt plaster, carved cedar, pierced lanterns and spice colours.",
            "دفا الرياض المغربي: زليج، بياض تادلاكت، خشب أرز محفور، فوانيس مخرمة وألوان البهارات.",
        ),
        palette=(
            _sw("Tadelakt clay", "تادلاكت طيني", "#D7B48E", "wall"),
            _sw("Majorelle blue", "أزرق ماجوريل", "#2C4BA0", "accent"),
            _sw("Saffron", "زعفراني", "#D98E2B", "textile"),
            _sw("Cedar", "خشب أرز", "#8B5A3C", "wood"),
            _sw("Zellige green", "زليج أخضر", "#2E7D6B", "floor"),
            _sw("Brass", "نحاس", "#B8913E", "metal"),
        ),
        materials=_mat(
            T(
                "Tadelakt-effect lime plaster with a zellige tile dado",
                "بياض تادلاكت بالجير مع وزرة عالية زليج",
            ),
            T(
                "Zellige or patterned encaustic cement tiles",
                "زليج أو بلاط أسمنتي منقوش هندسي",
            ),
            T(
                "Painted carved-wood or gypsum ceiling with pierced brass lanterns",
                "سقف خشب منقوش ملون أو جبس مع فوانيس نحاس مخرمة",
            ),
            T("Carved cedar doors with horseshoe arches", "أبواب خشب أرز محفور بأقواس حدوة الحصان"),
        ),
        furniture=(
            T("Low sedari banquette with embroidered cushions", "قعدة مغربي واطية (سداري) بخداديات مطرزة"),
            T("Pierced brass lanterns", "فوانيس نحاس مخرمة"),
            T("Beni Ourain or kilim rug", "سجاد بني ورين أو كليم"),
            T("Leather poufs", "بفات جلد"),
        ),
        prompt=(
            "Moroccan riad interior, zellige tile dado, tadelakt plaster walls, horseshoe arches, carved "
            "cedar doors, low sedari seating with embroidered cushions, pierced brass lanterns, Majorelle "
            "blue and saffron accents, warm lantern light, interior photography"
        ),
        aliases=("morocco", "riad", "موروكان"),
        price_factor=1.2,
    ),
    Style(
        id="nubian",
        name_en="Nubian",
        name_ar="نوبي",
        description=T(
            "Aswan's Nubian houses: domes and vaults, bright painted walls, hand-drawn motifs, palm fibre "
            "and woven mats.",
            "بيوت النوبة في أسوان: قباب وأقبية، حيطان بألوان زاهية، رسومات يدوي، جريد وحصير.",
        ),
        palette=(
            _sw("Warm white", "أبيض دافي", "#F5EEE0", "wall"),
            _sw("Nubian blue", "أزرق نوبي", "#3C7DC4", "accent"),
            _sw("Sun yellow", "أصفر شمسي", "#E9B949", "accent"),
            _sw("Mud brick", "طوب لبن", "#B78457", "floor"),
            _sw("Palm fibre", "ليف النخل", "#C7A26B", "textile"),
            _sw("Acacia wood", "خشب سنط", "#7A5234", "wood"),
        ),
        materials=_mat(
            T(
                "Warm-white paint with bright Nubian-blue and yellow bands and hand-painted motifs",
                "دهان أبيض دافي مع أشرطة أزرق نوبي وأصفر ورسومات يدوي",
            ),
            T(
                "Terracotta or sand-coloured matte tiles with woven palm mats (حصير)",
                "بلاط تراكوتا أو رملي مطفي مع حصير",
            ),
            T(
                "White plastered dome or vault look, or painted wooden beams",
                "قبة أو قبو ببياض أبيض، أو كمرات خشب ملونة",
            ),
            T("Painted wooden doors with palm-rib (جريد) details", "أبواب خشب ملونة بتفاصيل جريد"),
        ),
        furniture=(
            T("Built-in mastaba bench with cushions", "مصطبة مبنية بمراتب وخداديات"),
            T("Palm-rib chairs and tables", "كراسي وترابيزات جريد"),
            T("Woven baskets and plates on the wall", "أطباق وسلال خوص على الحيطة"),
            T("Handwoven kilim", "كليم منسوج يدوي"),
        ),
        prompt=(
            "Nubian interior, Aswan house, domed white plaster ceiling, bright Nubian blue and sun yellow "
            "painted walls with hand-drawn motifs, palm-rib furniture, woven baskets on walls, built-in "
            "mastaba bench, warm desert light, interior photography"
        ),
        aliases=("nubia", "aswan", "نوبه", "نوبيه", "اسوان"),
        price_factor=0.8,
    ),
)
