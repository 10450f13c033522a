// Small DOM helpers shared by every screen: building elements, formatting, problems and images.
//
// Safety rule: text that comes from the API (model replies, plans, names) is only ever put in the
// page as text (textContent / text nodes), never as HTML.

import { api } from "./api.js";
import { emit } from "./events.js";
import { getLang, locale, t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

/** Build an element. Strings and numbers among children become text nodes (never HTML). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = value;
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (name === "src" || name === "href") {
      const url = safeUrl(value);
      if (url) el.setAttribute(name, url);
    } else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Only http(s), blob: and data:image/ URLs may reach src/href. */
export function safeUrl(value) {
  if (typeof value !== "string" || !value) return null;
  if (/^data:image\/(png|jpeg|webp|gif);base64,/i.test(value)) return value;
  try {
    const url = new URL(value, location.href);
    if (["http:", "https:", "blob:"].includes(url.protocol)) return url.href;
  } catch {
    /* not a URL */
  }
  return null;
}

export function shortId(id) {
  const s = String(id ?? "");
  return s.length > 12 ? `${s.slice(0, 8)}…` : s;
}

export function fmtBytes(n) {
  if (!Number.isFinite(n)) return "";
  const units = ["B", "KB", "MB", "GB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${v.toLocaleString(locale(), { maximumFractionDigits: i ? 1 : 0 })} ${units[i]}`;
}

export function fmtNumber(n, digits = 2) {
  const v = Number(n);
  if (!Number.isFinite(v)) return String(n ?? "");
  return v.toLocaleString(locale(), { maximumFractionDigits: digits });
}

export function fmtTime(value) {
  if (value === null || value === undefined || value === "") return "";
  let date;
  if (typeof value === "number") date = new Date(value < 1e12 ? value * 1000 : value);
  else date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** "rtl" when the text is mostly Arabic script, "ltr" when mostly Latin, "auto" otherwise. */
export function textDir(text) {
  const s = String(text ?? "");
  const arabic = (s.match(/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/g) || [])
    .length;
  const latin = (s.match(/[A-Za-z\u00C0-\u024F]/g) || []).length;
  if (!arabic && !latin) return "auto";
  return arabic >= latin ? "rtl" : "ltr";
}

/** Attributes for a run of user or model text: direction and language from its script. */
export function textAttrs(text, extra = {}) {
  const dir = textDir(text);
  const attrs = { dir, ...extra };
  if (dir === "rtl") attrs.lang = "ar";
  else if (dir === "ltr") attrs.lang = "en";
  return attrs;
}

/** A value that may be a plain string, a number, or {en, ar} / {name_en, name_ar}. */
export function txt(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(txt).filter(Boolean).join(", ");
  if (typeof value === "object") {
    const pick = (en, ar) => (getLang() === "ar" ? (value[ar] ?? value[en]) : (value[en] ?? value[ar]));
    const chosen =
      pick("en", "ar") ??
      pick("name_en", "name_ar") ??
      value.name ??
      value.label ??
      value.text ??
      value.value;
    if (chosen !== undefined) return txt(chosen);
    return Object.entries(value)
      .map(([k, v]) => `${k}: ${txt(v)}`)
      .join(", ");
  }
  return String(value);
}

export function nameIn(record, lang) {
  if (!record) return "";
  if (lang === "ar") return record.name_ar || record.name || record.name_en || record.id || "";
  return record.name_en || record.name || record.name_ar || record.id || "";
}

export function nameOf(record) {
  if (!record) return "";
  if (getLang() === "ar") return record.name_ar || record.name || record.name_en || record.id || "";
  return record.name_en || record.name || record.name_ar || record.id || "";
}

export function setBusy(button, busy, busyLabelKey) {
  if (!button) return;
  if (busy) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (busyLabelKey) button.textContent = t(busyLabelKey);
  } else {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    if (button.dataset.i18n) button.textContent = t(button.dataset.i18n);
  }
}

export function showProblem(boxId, problem) {
  const box = $(boxId);
  box.replaceChildren();
  if (!problem) {
    box.hidden = true;
    return;
  }
  box.append(problemView(problem));
  box.hidden = false;
}

export function problemView(problem) {
  const meta = [
    problem.status ? `HTTP ${problem.status}` : null,
    problem.code ? `code: ${problem.code}` : null,
    problem.request_id ? `request: ${problem.request_id}` : null,
  ].filter(Boolean);
  return h(
    "div",
    { class: "problem-body" },
    h("strong", { class: "problem-title", ...textAttrs(problem.title) }, problem.title || t("bad_response")),
    problem.detail && problem.detail !== problem.title
      ? h("p", { class: "problem-detail", ...textAttrs(problem.detail) }, problem.detail)
      : null,
    problem.errors && problem.errors.length
      ? h(
          "ul",
          { class: "problem-errors" },
          problem.errors
            .slice(0, 8)
            .map((e) => h("li", { dir: "ltr" }, `${e.field ?? e.loc ?? ""}: ${e.message ?? e.msg ?? ""}`)),
        )
      : null,
    meta.length ? h("p", { class: "problem-meta", dir: "ltr" }, meta.join(" · ")) : null,
  );
}

/** A table of text cells; columns empty in every row are left out. */
export function table(allHeaders, allRows) {
  const keep = allHeaders.map((_, i) => i === 0 || allRows.some((row) => row[i] !== "" && row[i] != null));
  const headers = allHeaders.filter((_, i) => keep[i]);
  const rows = allRows.map((row) => row.filter((_, i) => keep[i]));
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((label) => h("th", { scope: "col" }, label)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((row) =>
          h(
            "tr",
            {},
            row.map((cell) => h("td", typeof cell === "string" ? textAttrs(cell) : {}, cell)),
          ),
        ),
      ),
    ),
  );
}

// ───────────────────────────── images ─────────────────────────────

/** An <img> for an ImageView; if its short-lived URL fails, ask GET /images/{id} once for a fresh one. */
export function imageEl(view, { alt = "", className = "" } = {}) {
  const img = h("img", {
    src: view.url || (view.data ? `data:${view.mime_type || "image/png"};base64,${view.data}` : null),
    alt,
    class: className,
    width: view.width || undefined,
    height: view.height || undefined,
    decoding: "async",
    dataset: { imageId: view.id || "" },
  });
  if (view.id) {
    img.addEventListener(
      "error",
      async () => {
        try {
          const { data } = await api(`images/${encodeURIComponent(view.id)}`);
          const url = safeUrl(data?.image?.url);
          if (url && url !== img.src) img.src = url;
        } catch {
          /* leave the broken image; its alt text says what it was */
        }
      },
      { once: true },
    );
  }
  return img;
}

export function imageCaption(view) {
  return [view.width && view.height ? `${view.width}×${view.height}` : null, view.format, view.provider]
    .filter(Boolean)
    .join(" · ");
}

export function copyButton(id) {
  const button = h("button", { type: "button", class: "link-button", title: id }, t("copy_id"));
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(id);
      button.textContent = t("copied");
    } catch {
      button.textContent = id;
    }
  });
  return button;
}

export function figureFor(view, { alt = "", actions = true } = {}) {
  return h(
    "figure",
    { class: "result", dataset: { imageId: view.id || "" } },
    imageEl(view, { alt }),
    h(
      "figcaption",
      {},
      h("span", { class: "meta", dir: "ltr" }, imageCaption(view)),
      actions && view.id
        ? h(
            "span",
            { class: "fig-actions" },
            h(
              "button",
              { type: "button", class: "link-button", onclick: () => emit("edit-image", view) },
              t("edit_this"),
            ),
            view.url
              ? h("a", { href: view.url, target: "_blank", rel: "noopener noreferrer" }, t("open"))
              : null,
            copyButton(view.id),
          )
        : null,
    ),
  );
}
