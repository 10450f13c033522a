// A design plan (the designer's structured answer) as a readable document: facts, palette, rooms
// with their finishes, the estimate computed from them, materials, furniture and steps. Shared by
// Chat and the project pages.

import { roomTypeById, styleById } from "./catalog.js";
import { fmtNumber, h, nameIn, nameOf, table, textAttrs, textDir, txt } from "./dom.js";
import { estimateView } from "./estimate.js";
import { I18N, getLang, hasText, inLang, locale, t } from "./i18n.js";
import { finishLabel } from "./rooms.js";

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

export function hexOf(entry) {
  const raw =
    typeof entry === "string" ? entry : (entry?.hex ?? entry?.color ?? entry?.colour ?? entry?.code);
  if (typeof raw !== "string") return null;
  const value = raw.trim().startsWith("#") ? raw.trim() : `#${raw.trim()}`;
  return HEX.test(value) ? value.toUpperCase() : null;
}

const ROLES = {
  wall: { en: "wall", ar: "حيطان" },
  walls: { en: "walls", ar: "حيطان" },
  accent: { en: "accent", ar: "لمسات" },
  wood: { en: "wood", ar: "خشب" },
  textile: { en: "textile", ar: "أقمشة" },
  metal: { en: "metal", ar: "معدن" },
  floor: { en: "floor", ar: "أرضية" },
  ceiling: { en: "ceiling", ar: "سقف" },
};

// A titled list of the model's sentences (each in its own direction), when it sent any.
function appendList(section, title, tag, cls, items) {
  if (!Array.isArray(items) || !items.length) return;
  section.append(
    h("h5", {}, t(title)),
    h(tag, { class: cls }, items.map((item) => h("li", textAttrs(txt(item)), txt(item)))),
  );
}

function roleLabel(role, lang = getLang()) {
  const known = ROLES[String(role ?? "").toLowerCase()];
  return known ? known[lang] : txt(role);
}

/** Colour swatches; names and roles in ``lang`` (the plan's language, else the page's). */
export function swatchList(palette, lang = getLang()) {
  const list = h("ul", { class: "swatches" });
  for (const entry of palette) {
    const hex = hexOf(entry);
    const name = typeof entry === "string" ? "" : nameIn(entry, lang) || txt(entry.name);
    const role = typeof entry === "object" && entry ? roleLabel(entry.role, lang) : "";
    const chip = h("span", { class: hex ? "chip" : "chip unknown", "aria-hidden": "true" });
    if (hex) chip.style.setProperty("background-color", hex);
    list.append(
      h(
        "li",
        { class: "swatch", title: [name, hex, role].filter(Boolean).join(" · ") },
        chip,
        h(
          "span",
          { class: "swatch-text" },
          name ? h("span", { class: "swatch-name", ...textAttrs(name) }, name) : null,
          h("code", { class: "swatch-hex", dir: "ltr" }, hex || txt(entry?.hex ?? entry)),
          role ? h("span", { class: "swatch-role" }, role) : null,
        ),
      ),
    );
  }
  return list;
}

/** [min, max] from a number, a pair, or {min, max} (also low/high, from/to). */
export function rangeOf(value) {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" && Number.isFinite(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every((v) => Number.isFinite(Number(v)))) {
    return [Number(value[0]), Number(value[1])];
  }
  if (typeof value === "object") {
    const lo = value.min ?? value.low ?? value.from ?? value.min_egp ?? value.minimum;
    const hi = value.max ?? value.high ?? value.to ?? value.max_egp ?? value.maximum;
    if (Number.isFinite(Number(lo)) || Number.isFinite(Number(hi))) {
      const a = Number.isFinite(Number(lo)) ? Number(lo) : Number(hi);
      const b = Number.isFinite(Number(hi)) ? Number(hi) : Number(lo);
      return [a, b];
    }
  }
  return null;
}

export function fmtRange(range) {
  if (!range) return "";
  const [a, b] = range;
  const f = (n) => n.toLocaleString(locale(), { maximumFractionDigits: 0 });
  const body = a === b ? f(a) : `${f(a)} – ${f(b)}`;
  return getLang() === "ar" ? `${body} ${t("egp")}` : `${t("egp")} ${body}`;
}

export function fmtDims(value) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return fmtNumber(value, 0);
  const parts = Array.isArray(value)
    ? value
    : [
        value.w ?? value.width ?? value.length ?? value.l,
        value.d ?? value.depth,
        value.h ?? value.height,
      ].filter((v) => v !== undefined && v !== null);
  if (!parts.length) return txt(value);
  return parts.map((v) => fmtNumber(v, 0)).join(" × ");
}

const UNITS = {
  l: { en: "L", ar: "لتر" },
  m: { en: "m", ar: "م" },
  m2: { en: "m²", ar: "م²" },
  "m²": { en: "m²", ar: "م²" },
  m3: { en: "m³", ar: "م³" },
  box: { en: "boxes", ar: "كرتونة" },
  sheet: { en: "sheets", ar: "لوح" },
  piece: { en: "pieces", ar: "قطعة" },
  kg: { en: "kg", ar: "كجم" },
  bag: { en: "bags", ar: "شيكارة" },
};

export function unitLabel(unit, lang = getLang()) {
  const known = UNITS[String(unit ?? "").toLowerCase()];
  return known ? known[lang] : txt(unit);
}

function surfaceLabel(surface) {
  const key = `surface_${String(txt(surface)).toLowerCase()}`;
  return I18N.en[key] ? t(key) : txt(surface);
}

const PLAN_KNOWN = new Set([
  "style",
  "style_id",
  "style_name",
  "room_type",
  "room",
  "palette",
  "colors",
  "colours",
  "materials",
  "furniture",
  "finishing_quantities",
  "quantities",
  "rooms",
  "estimate",
  "state",
  "grade",
  "budget_egp",
  "assumptions",
  "photos",
  "steps",
  "lang",
  "summary",
  "title",
]);
const COST_KEYS = [
  "total_cost_egp",
  "cost_egp",
  "estimated_cost_egp",
  "est_cost_egp",
  "cost_range_egp",
  "total_egp",
  "est_total_egp",
  "estimated_total_egp",
  "budget",
  "cost",
  "estimated_cost",
  "cost_range",
  "total",
];

/** The plan's cost: its computed estimate, else a figure the model gave (never the user's budget). */
function costOf(plan) {
  const computed = rangeOf(plan.estimate?.total_egp);
  if (computed) return { key: "estimate", range: computed };
  for (const key of COST_KEYS) {
    const range = rangeOf(plan[key]);
    if (range) return { key, range };
  }
  for (const [key, value] of Object.entries(plan)) {
    if (!PLAN_KNOWN.has(key) && /cost|budget|total|price/i.test(key)) {
      const range = rangeOf(value);
      if (range) return { key, range };
    }
  }
  return null;
}

/** An API enumeration value in words ("state", "semi_finished" → "Semi-finished"). */
function label(prefix, value) {
  return hasText(`${prefix}_${value}`) ? t(`${prefix}_${value}`) : txt(value).replace(/_/g, " ");
}

const styleName = (style) =>
  typeof style === "string" && styleById(style) ? nameOf(styleById(style)) : txt(style);

// How each changed field reads: its label, and its value in words (null: the label alone).
const CHANGE_FIELDS = {
  style: ["plan_style", styleName],
  state: ["plan_state", (v) => label("state", v)],
  grade: ["plan_grade", (v) => label("grade", v)],
  budget_egp: ["plan_budget", (v) => fmtRange(rangeOf(v))],
  palette: ["palette", null],
  type: ["room_kind", (v) => (roomTypeById(v) ? nameOf(roomTypeById(v)) : label("room_type", v))],
  walls: ["walls", finishLabel],
  floor: ["floor", finishLabel],
  ceiling: ["ceiling", finishLabel],
  length_m: ["length_m", (v) => fmtNumber(v)],
  width_m: ["width_m", (v) => fmtNumber(v)],
  height_m: ["height_m", (v) => fmtNumber(v)],
};

function changeText(change) {
  const room = txt(change.room ?? "");
  if (change.field === "room") {
    return `${room}: ${t(change.after ? "change_added" : "change_removed")}`;
  }
  const [key, show] = CHANGE_FIELDS[change.field] ?? [null, null];
  const what = key ? t(key) : txt(change.field).replace(/_/g, " ");
  const empty = (v) => v === null || v === undefined;
  const arrow = getLang() === "ar" ? "←" : "→"; // from before to after, in the reading direction
  const values =
    show && !(empty(change.before) && empty(change.after))
      ? `: ${empty(change.before) ? "—" : show(change.before)} ${arrow} ${empty(change.after) ? "—" : show(change.after)}`
      : "";
  return `${room ? `${room} · ` : ""}${what}${values}`;
}

/** What a turn changed in the plan, in the plan's language ("صالة · الأرضية: بورسلين ٦٠×٦٠ ← باركيه"). */
export function renderChanges(changes, plan) {
  if (!Array.isArray(changes) || !changes.length) return null;
  const lang = plan?.lang === "ar" || plan?.lang === "en" ? plan.lang : getLang();
  return inLang(lang, () =>
    h(
      "div",
      { class: "changes", dir: lang === "ar" ? "rtl" : "ltr", lang },
      h("span", {}, t("changed")),
      h(
        "ul",
        {},
        changes.map((change) => {
          const text = changeText(change);
          return h("li", { ...textAttrs(text), dataset: { field: change.field } }, text);
        }),
      ),
    ),
  );
}

/** "5 × 4 × 3 m", or "24 m²" for a room given by its area; "" while its size is not known. */
function roomSize(room, lang) {
  const sides = [room.length_m, room.width_m].filter((v) => v !== null && Number.isFinite(Number(v)));
  if (sides.length === 2) {
    if (room.height_m) sides.push(room.height_m);
    return `${sides.map((v) => fmtNumber(v)).join(" × ")} ${t("metres")}`;
  }
  const area = room.area_m2 ?? (room.rects || []).reduce((sum, r) => sum + r.length_m * r.width_m, 0);
  return area ? `${fmtNumber(area)} ${unitLabel("m2", lang)}` : "";
}

/** A plan is a document in its own language: its labels, units and numbers follow plan.lang. */
export function renderPlan(plan) {
  if (!plan || typeof plan !== "object") return null;
  const summaryText = txt(plan.summary || plan.title || "");
  const lang =
    plan.lang === "ar" || plan.lang === "en" ? plan.lang : textDir(summaryText) === "rtl" ? "ar" : getLang();
  return inLang(lang, () => buildPlan(plan, lang)); // t(), txt(), locale() follow the plan's language
}

function buildPlan(plan, lang) {
  const section = h("section", {
    class: "plan",
    "aria-label": t("plan"),
    dir: lang === "ar" ? "rtl" : "ltr",
    lang,
  });
  section.append(h("h4", { class: "plan-title" }, t("plan")));

  const facts = [];
  const style = plan.style_name ?? plan.style ?? plan.style_id;
  if (style) {
    const record = typeof style === "string" ? styleById(style) : null;
    facts.push([t("plan_style"), record ? nameOf(record) : txt(style)]);
  }
  const room = plan.room_type ?? (typeof plan.room === "string" ? plan.room : null);
  if (room) {
    const record = typeof room === "string" ? roomTypeById(room) : null;
    facts.push([t("plan_room"), record ? nameOf(record) : txt(room)]);
  }
  if (plan.room && typeof plan.room === "object") {
    const r = plan.room;
    const sides = [r.length_m ?? r.length, r.width_m ?? r.width].filter((v) => Number.isFinite(Number(v)));
    const height = r.height_m ?? r.height;
    if (sides.length) {
      let dims = sides.map((v) => fmtNumber(v)).join(" × ");
      if (Number.isFinite(Number(height))) dims += ` × ${fmtNumber(height)}`;
      facts.push([t("room_size"), `${dims} ${t("metres")}`]);
    }
  }
  if (plan.state) facts.push([t("plan_state"), label("state", plan.state)]);
  if (plan.grade) facts.push([t("plan_grade"), label("grade", plan.grade)]);
  const budget = rangeOf(plan.budget_egp);
  if (budget) facts.push([t("plan_budget"), fmtRange(budget)]);
  const cost = costOf(plan);
  // A computed estimate shows its own total, first thing under its heading.
  if (cost && cost.key !== "estimate") facts.push([t("cost"), fmtRange(cost.range)]);
  if (facts.length) {
    section.append(
      h(
        "dl",
        { class: "facts" },
        facts.map(([k, v]) =>
          h(
            "div",
            { class: k === t("cost") ? "fact cost" : "fact" },
            h("dt", {}, k),
            h("dd", textAttrs(v), v),
          ),
        ),
      ),
    );
  }
  if (plan.summary || plan.title) {
    const s = txt(plan.summary || plan.title);
    section.append(h("p", { class: "plan-summary", ...textAttrs(s) }, s));
  }

  const palette = plan.palette ?? plan.colors ?? plan.colours;
  if (Array.isArray(palette) && palette.length) {
    section.append(h("h5", {}, t("palette")), swatchList(palette, lang));
  }

  if (Array.isArray(plan.rooms) && plan.rooms.length) {
    const rows = plan.rooms.map((r) => [
      txt(r.name),
      roomSize(r, lang),
      finishLabel(r.walls),
      finishLabel(r.floor),
      finishLabel(r.ceiling),
    ]);
    const rooms = table(
      [t("room_name"), t("room_size"), t("walls"), t("floor"), t("ceiling")],
      rows,
    );
    rooms.classList.add("plan-rooms");
    section.append(h("h5", {}, t("plan_rooms")), rooms);
  }
  if (plan.estimate && typeof plan.estimate === "object") {
    section.append(
      h("h5", {}, t("plan_estimate")),
      estimateView({ lang, ...plan.estimate }, { heading: "h5" }),
    );
  }
  appendList(section, "plan_assumed", "ul", "assumptions", plan.assumptions);

  const materials = plan.materials;
  if (materials && (Array.isArray(materials) ? materials.length : Object.keys(materials).length)) {
    const rows = Array.isArray(materials)
      ? materials.map((m) =>
          typeof m === "object" && m
            ? [
                surfaceLabel(m.surface ?? m.area ?? m.where),
                txt(m.material ?? m.name ?? m.item),
                txt(m.finish ?? m.notes ?? ""),
              ]
            : ["", txt(m), ""],
        )
      : Object.entries(materials).map(([surface, m]) =>
          m && typeof m === "object" && ("material" in m || "finish" in m)
            ? [surfaceLabel(surface), txt(m.material), txt(m.finish ?? "")]
            : [surfaceLabel(surface), txt(m), ""],
        );
    section.append(h("h5", {}, t("materials")), table([t("surface"), t("material"), t("finish")], rows));
  }

  const furniture = plan.furniture;
  if (Array.isArray(furniture) && furniture.length) {
    const rows = furniture.map((f) => {
      if (typeof f !== "object" || !f) return [txt(f), "", "", ""];
      const price = rangeOf(
        f.est_price_egp ?? f.price_egp ?? f.price_range_egp ?? f.price ?? f.est_price ?? f.cost_egp,
      );
      return [
        txt(f.item ?? f.name ?? f.type),
        f.qty ?? f.quantity ?? "",
        fmtDims(f.dims_cm ?? f.dimensions_cm ?? f.dims ?? f.dimensions ?? f.size),
        price ? fmtRange(price) : "",
      ].map((v) => (typeof v === "number" ? fmtNumber(v, 0) : v));
    });
    section.append(h("h5", {}, t("furniture")), table([t("item"), t("qty"), t("dims"), t("price")], rows));
  }

  let quantities = plan.finishing_quantities ?? plan.quantities;
  if (quantities && !Array.isArray(quantities) && typeof quantities === "object") {
    quantities = Object.entries(quantities).map(([item, q]) =>
      q && typeof q === "object" ? { item, ...q } : { item, qty: q },
    );
  }
  if (Array.isArray(quantities) && quantities.length) {
    const rows = quantities.map((q) => {
      if (typeof q !== "object" || !q) return [txt(q), "", "", ""];
      const { key: _key, item, name, material, qty, quantity, amount, unit, units, note, notes, ...rest } = q;
      const value = qty ?? quantity ?? amount;
      const extra = [
        txt(note ?? notes),
        ...Object.entries(rest)
          .filter(([, v]) => v !== null && v !== undefined && v !== "")
          .map(([k, v]) => `${k.replace(/_/g, " ")}: ${typeof v === "number" ? fmtNumber(v) : txt(v)}`),
      ]
        .filter(Boolean)
        .join(" · ");
      return [
        txt(item ?? name ?? material),
        typeof value === "number" ? fmtNumber(value) : txt(value),
        unitLabel(unit ?? units, lang),
        extra,
      ];
    });
    section.append(
      h("h5", {}, t("quantities")),
      table([t("item"), t("quantity"), t("unit"), t("details")], rows),
    );
  }

  appendList(section, "steps", "ol", "steps", plan.steps);

  const rest = Object.fromEntries(
    Object.entries(plan).filter(([key]) => !PLAN_KNOWN.has(key) && key !== cost?.key),
  );
  if (Object.keys(rest).length) {
    section.append(
      h(
        "details",
        { class: "plan-more" },
        h("summary", {}, t("more")),
        h("pre", { dir: "ltr" }, JSON.stringify(rest, null, 2)),
      ),
    );
  }
  return section;
}
