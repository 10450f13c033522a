// Estimate: the finishing bill of quantities for a flat (POST /estimate) — the table, the total, the
// budget verdict, the schedule, and the same bill as CSV (Accept: text/csv) for Excel.

import { api, asProblem } from "./api.js";
import { $, fmtNumber, h, setBusy, showProblem, textAttrs } from "./dom.js";
import { on } from "./events.js";
import { addStrings, getLang, inLang, locale, t } from "./i18n.js";
import { GRADES, STATES, optionsFor, roomsEditor } from "./rooms.js";

addStrings({
  en: {
    tab_estimate: "Estimate",
    est_title: "Estimate the finishing",
    est_hint:
      "Rooms and a finish per surface, or just the flat's area: quantities in the packs people buy, priced from a dated price book.",
    est_by_rooms: "Room by room",
    est_by_area: "By the flat's area",
    est_flat: "The flat",
    est_area: "Flat area (m²)",
    est_bedrooms: "Bedrooms",
    est_bathrooms: "Bathrooms",
    est_state: "Delivered as",
    est_grade: "Grade",
    est_budget: "Budget (EGP, optional)",
    est_lang: "Bill language",
    est_submit: "Estimate",
    estimating: "Estimating…",
    est_empty: "The bill appears here: every trade, with waste, in packs, and the total.",
    est_bill: "Bill of quantities",
    est_result: "The estimate",
    est_total: "Total",
    est_fits: "Within the budget of {budget}",
    est_over: "Over the budget of {budget} by {gap}",
    est_savings: "Ways to fit it",
    est_saving: "saves {range}",
    est_item: "Item",
    est_qty: "Quantity",
    est_packs: "To buy",
    est_unit_price: "Unit price",
    est_line_total: "Total",
    est_whole_job: "Whole job",
    est_schedule: "Schedule",
    est_days: "{span} days",
    est_day: "1 day",
    est_total_days: "About {span} working days",
    est_assumptions: "Assumed",
    est_price_book: "Price book {version}, {date}",
    est_csv: "Download CSV",
    est_need_rooms: "Add a room, or give the flat's area.",
  },
  ar: {
    tab_estimate: "المقايسة",
    est_title: "احسب التشطيب",
    est_hint:
      "الأوض وتشطيب كل سطح، أو مساحة الشقة بس: الكميات بالعبوات اللي بتتشتري، بأسعار من قائمة أسعار متأرخة.",
    est_by_rooms: "أوضة أوضة",
    est_by_area: "بمساحة الشقة",
    est_flat: "الشقة",
    est_area: "مساحة الشقة (م²)",
    est_bedrooms: "أوض النوم",
    est_bathrooms: "الحمامات",
    est_state: "استلام",
    est_grade: "مستوى التشطيب",
    est_budget: "الميزانية (ج.م، اختياري)",
    est_lang: "لغة المقايسة",
    est_submit: "احسب",
    estimating: "بيحسب…",
    est_empty: "المقايسة هتظهر هنا: كل بند بالهالك وبالعبوات، والإجمالي.",
    est_bill: "المقايسة",
    est_result: "الحساب",
    est_total: "الإجمالي",
    est_fits: "في حدود الميزانية ({budget})",
    est_over: "أكتر من الميزانية ({budget}) بـ {gap}",
    est_savings: "إزاي توفّر",
    est_saving: "توفير {range}",
    est_item: "البند",
    est_qty: "الكمية",
    est_packs: "تشتري",
    est_unit_price: "سعر الوحدة",
    est_line_total: "الإجمالي",
    est_whole_job: "الشغلانة كلها",
    est_schedule: "الجدول الزمني",
    est_days: "{span} يوم",
    est_day: "يوم واحد",
    est_total_days: "حوالي {span} يوم شغل",
    est_assumptions: "افتراضات",
    est_price_book: "قائمة الأسعار {version}، {date}",
    est_csv: "نزّل CSV",
    est_need_rooms: "ضيف أوضة، أو اكتب مساحة الشقة.",
  },
});

const UNITS = {
  m2: { en: "m²", ar: "م²" },
  m: { en: "m", ar: "م.ط" },
  L: { en: "L", ar: "لتر" },
  kg: { en: "kg", ar: "كجم" },
  box: { en: "boxes", one: "box", ar: "كرتونة" },
  sheet: { en: "sheets", one: "sheet", ar: "لوح" },
  roll: { en: "rolls", one: "roll", ar: "رول" },
  point: { en: "points", one: "point", ar: "نقطة" },
};

/** The unit's label for a quantity ("1 point", "2 points"). */
const unitLabel = (unit, quantity) => {
  const known = UNITS[unit];
  if (!known) return unit ?? "";
  return getLang() === "en" && Number(quantity) === 1 && known.one ? known.one : known[getLang()];
};

/** Working days: "3–5 days", "4 days" when both ends agree, "1 day". */
const days = ({ low, high }) =>
  low === high && low === 1 ? t("est_day") : t("est_days", { span: low === high ? low : `${low}–${high}` });

/** EGP a–b in the current language (a single figure when both ends agree). */
export function egp(range) {
  if (!range) return "";
  const f = (n) => Number(n).toLocaleString(locale(), { maximumFractionDigits: 0 });
  const body = range.low === range.high ? f(range.low) : `${f(range.low)} – ${f(range.high)}`;
  return getLang() === "ar" ? `${body} ج.م` : `EGP ${body}`;
}

const egpAmount = (n) => egp({ low: n, high: n });

/** The budget verdict: fits, or over by how much, with the substitutions that would close the gap. */
function verdict(budget) {
  const fits = Boolean(budget.fits);
  const box = h(
    "div",
    { class: `verdict ${fits ? "fits" : "over"}`, role: "status", dataset: { fits: String(fits) } },
    h(
      "strong",
      {},
      fits
        ? t("est_fits", { budget: egpAmount(budget.budget_egp) })
        : t("est_over", { budget: egpAmount(budget.budget_egp), gap: egpAmount(budget.gap_egp) }),
    ),
  );
  const substitutions = budget.substitutions || [];
  if (!fits && substitutions.length) {
    box.append(
      h("p", { class: "verdict-savings" }, t("est_savings")),
      h(
        "ul",
        { class: "substitutions" },
        substitutions.map((s) =>
          h(
            "li",
            { dataset: { key: s.key } },
            h("span", textAttrs(s.description), s.description),
            " — ",
            h("b", {}, t("est_saving", { range: egp(s.saving_egp) })),
          ),
        ),
      ),
    );
  }
  return box;
}

/** The bill, grouped by room (whole-job lines, like labour, last). */
function billTable(items) {
  const groups = new Map();
  for (const item of items) {
    const room = item.room ?? "";
    if (!groups.has(room)) groups.set(room, []);
    groups.get(room).push(item);
  }
  const rooms = [...groups.keys()].sort((a, b) => (a === "") - (b === ""));
  const headers = ["est_item", "est_qty", "est_packs", "est_unit_price", "est_line_total"];
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "bill" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((key) => h("th", { scope: "col" }, t(key))),
        ),
      ),
      rooms.map((room) =>
        h(
          "tbody",
          { dataset: { room } },
          h(
            "tr",
            { class: "bill-room" },
            h("th", { colspan: "5", scope: "rowgroup" }, room || t("est_whole_job")),
          ),
          groups
            .get(room)
            .map((item) =>
              h(
                "tr",
                { class: "bill-line", dataset: { key: item.key } },
                h(
                  "td",
                  {},
                  h("span", { class: "bill-name", ...textAttrs(item.name) }, item.name),
                  item.note ? h("small", { class: "bill-note", ...textAttrs(item.note) }, item.note) : null,
                ),
                h("td", { class: "num" }, `${fmtNumber(item.quantity)} ${unitLabel(item.unit, item.quantity)}`),
                h(
                  "td",
                  { class: "num" },
                  item.packs
                    ? `${item.packs.count} × ${item.packs.name} (${fmtNumber(item.packs.size)} ${unitLabel(item.packs.unit, item.packs.size)})`
                    : "",
                ),
                h("td", { class: "num" }, egp(item.unit_price_egp)),
                h("td", { class: "num line-total" }, egp(item.total_egp)),
              ),
            ),
        ),
      ),
    ),
  );
}

/**
 * An estimate (the answer of POST /estimate, or a project's estimate) as a document in its own
 * language: the total and the budget verdict first, then the bill, the schedule and the assumptions.
 * ``heading``: the level of its headings (a design plan holds one under its own h5 headings).
 */
export function estimateView(estimate, { heading = "h3" } = {}) {
  const lang = estimate.lang === "ar" ? "ar" : "en";
  return inLang(lang, () => {
    const section = h("section", { class: "estimate", dir: lang === "ar" ? "rtl" : "ltr", lang });
    section.append(
      h(
        "dl",
        { class: "facts" },
        h(
          "div",
          { class: "fact cost est-total" },
          h("dt", {}, t("est_total")),
          h("dd", {}, egp(estimate.total_egp)),
        ),
      ),
    );
    if (estimate.budget) section.append(verdict(estimate.budget));
    section.append(h(heading, {}, t("est_bill")), billTable(estimate.items || []));
    const phases = estimate.schedule?.phases || [];
    if (phases.length) {
      const total = estimate.schedule.total_days;
      section.append(
        h(heading, {}, t("est_schedule")),
        h(
          "ol",
          { class: "schedule" },
          phases.map((phase) =>
            h(
              "li",
              { dataset: { phase: phase.key } },
              h("b", {}, phase.name),
              " — ",
              days(phase.days),
            ),
          ),
        ),
        total
          ? h("p", { class: "meta" }, t("est_total_days", { span: total.low === total.high ? total.low : `${total.low}–${total.high}` }))
          : null,
      );
    }
    if (estimate.assumptions?.length) {
      section.append(
        h(
          "details",
          { class: "assumptions" },
          h("summary", {}, t("est_assumptions")),
          h(
            "ul",
            {},
            estimate.assumptions.map((a) => h("li", textAttrs(a), a)),
          ),
        ),
      );
    }
    if (estimate.price_book)
      section.append(h("p", { class: "meta price-book" }, t("est_price_book", estimate.price_book)));
    return section;
  });
}

// ───────────────────────────── the screen ─────────────────────────────

let rooms = null; // the rooms editor
let lastBody = null; // the request behind the bill on screen (the CSV asks for the same)
let lastEstimate = null;

const byArea = () => $("est-mode-area").checked;

function estimateBody() {
  const body = {
    state: $("est-state").value,
    grade: $("est-grade").value,
    lang: $("est-lang").value || getLang(),
  };
  const budget = $("est-budget").value.trim();
  if (budget !== "") body.budget_egp = Number(budget);
  if (byArea()) {
    body.apartment_area_m2 = Number($("est-area").value);
    for (const key of ["bedrooms", "bathrooms"]) {
      const value = $(`est-${key}`).value.trim();
      if (value !== "") body[key] = Number(value);
    }
  } else {
    body.rooms = rooms.get();
  }
  return body;
}

async function runEstimate() {
  showProblem("est-problem", null);
  const body = estimateBody();
  if (!byArea() && !body.rooms.length) {
    showProblem("est-problem", { title: t("est_need_rooms") });
    return;
  }
  const button = $("est-submit");
  setBusy(button, true, "estimating");
  try {
    const { data } = await api("estimate", { method: "POST", json: body });
    lastBody = body;
    lastEstimate = data;
    // A flat given by its area comes back with its rooms: show them, so they can be corrected.
    if (byArea() && Array.isArray(data?.rooms)) {
      rooms.set(data.rooms);
      $("est-mode-rooms").checked = true;
      syncMode();
    }
    renderEstimate();
  } catch (error) {
    showProblem("est-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

function renderEstimate() {
  const box = $("est-result");
  $("est-csv").hidden = !lastEstimate;
  $("est-empty").hidden = Boolean(lastEstimate);
  box.replaceChildren(lastEstimate ? estimateView(lastEstimate) : "");
}

/** The same bill as CSV (UTF-8 with a BOM, so Excel reads the Arabic), saved as a file. */
async function downloadCsv() {
  if (!lastBody) return;
  const button = $("est-csv");
  setBusy(button, true);
  try {
    const { blob } = await api("estimate", {
      method: "POST",
      json: lastBody,
      accept: "text/csv",
      as: "blob",
    });
    const url = URL.createObjectURL(blob);
    const link = h("a", { href: url, download: `shatably-estimate-${lastBody.lang}.csv`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch (error) {
    showProblem("est-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

function syncMode() {
  $("est-rooms").hidden = byArea();
  $("est-area-fields").hidden = !byArea();
}

function relabel() {
  optionsFor($("est-state"), STATES, (s) => `state_${s}`);
  optionsFor($("est-grade"), GRADES, (g) => `grade_${g}`);
  rooms.relabel();
  renderEstimate();
}

export function initEstimate() {
  rooms = roomsEditor($("est-rooms"), "est");
  rooms.set([
    {
      name: "Reception",
      type: "reception",
      length_m: 5,
      width_m: 4,
      floor: { type: "porcelain", tile_cm: [60, 120] },
    },
    {
      name: "Bathroom",
      type: "bathroom",
      length_m: 2,
      width_m: 1.8,
      walls: "wall_tiles",
      floor: { type: "ceramic", tile_cm: [40, 40] },
    },
  ]);
  optionsFor($("est-state"), STATES, (s) => `state_${s}`);
  optionsFor($("est-grade"), GRADES, (g) => `grade_${g}`);
  $("est-state").value = "plastered";
  $("est-grade").value = "super_lux";
  for (const radio of document.querySelectorAll("input[name=est-mode]"))
    radio.addEventListener("change", syncMode);
  syncMode();
  $("est-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runEstimate();
  });
  $("est-csv").addEventListener("click", downloadCsv);
  renderEstimate();
}

on("lang", relabel);
