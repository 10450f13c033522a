// The sidebar: the owner's conversations (GET /chat/sessions) and projects (GET /projects), newest
// first, and "erase my data" (DELETE /me) behind a confirmation.

import { api, asProblem, serves } from "./api.js";
import { $, h, safeUrl, showProblem, textAttrs } from "./dom.js";
import { emit, on } from "./events.js";
import { addStrings, hasText, locale, t } from "./i18n.js";
import { watchJob } from "./jobs.js";

addStrings({
  en: {
    side_label: "Your work",
    side_sessions: "Conversations",
    side_projects: "Projects",
    side_new_project: "New project",
    side_no_sessions: "No conversations yet.",
    side_no_projects: "No projects yet.",
    side_more: "More",
    untitled: "Untitled",
    erase: "Erase my data",
    erase_title: "Erase everything you have here?",
    erase_body:
      "Your conversations, photos, renders, projects, exports and jobs are deleted for good. This cannot be undone.",
    erase_confirm: "Erase everything",
    cancel: "Cancel",
    erasing: "Erasing your data…",
    erased: "Erased: {counts}",
    erased_none: "Erased. Nothing was left.",
    erase_failed: "Erasing did not finish; try again.",
    job_kind_erase: "Erase",
    erased_sessions: "conversations",
    erased_turns: "messages",
    erased_images: "images",
    erased_objects: "files",
    erased_jobs: "jobs",
    erased_projects: "projects",
    erased_idempotency_records: "saved requests",
  },
  ar: {
    side_label: "شغلك",
    side_sessions: "المحادثات",
    side_projects: "المشاريع",
    side_new_project: "مشروع جديد",
    side_no_sessions: "مافيش محادثات لسه.",
    side_no_projects: "مافيش مشاريع لسه.",
    side_more: "كمان",
    untitled: "من غير عنوان",
    erase: "امسح بياناتي",
    erase_title: "تمسح كل حاجة ليك هنا؟",
    erase_body: "محادثاتك وصورك وتصميماتك ومشاريعك والملفات المصدّرة والمهام هتتمسح نهائي. مافيش رجوع.",
    erase_confirm: "امسح كله",
    cancel: "إلغاء",
    erasing: "بيمسح بياناتك…",
    erased: "اتمسح: {counts}",
    erased_none: "اتمسح. مكانش فيه حاجة.",
    erase_failed: "المسح ماخلصش؛ جرّب تاني.",
    job_kind_erase: "مسح",
    erased_sessions: "محادثات",
    erased_turns: "رسايل",
    erased_images: "صور",
    erased_objects: "ملفات",
    erased_jobs: "مهام",
    erased_projects: "مشاريع",
    erased_idempotency_records: "طلبات محفوظة",
  },
});

const PAGE = 20;
const lists = {
  sessions: { items: [], next: null, path: "chat/sessions", box: "side-sessions", empty: "side_no_sessions" },
  projects: { items: [], next: null, path: "projects", box: "side-projects", empty: "side_no_projects" },
};
const offered = (name) => serves("GET", `/${lists[name].path}`);
let eraseJob = null;

export const sessionIdOf = (item) => item.session_id ?? item.id;
export const projectIdOf = (item) => item.project_id ?? item.id;

function when(value) {
  const date = new Date(typeof value === "number" && value < 1e12 ? value * 1000 : value);
  if (!value || Number.isNaN(date.getTime())) return "";
  return date.toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" });
}

/** A thumbnail URL from a list item: an ImageView, a URL, or nothing. */
function thumbOf(item) {
  const thumb = item.thumbnail ?? item.thumbnail_url ?? item.latest_image;
  return safeUrl(typeof thumb === "string" ? thumb : thumb?.url);
}

function sessionEntry(item) {
  const id = sessionIdOf(item);
  const title = item.title || t("untitled");
  const thumb = thumbOf(item);
  return h(
    "li",
    {},
    h(
      "button",
      {
        type: "button",
        class: "side-item",
        dataset: { sessionId: id },
        "aria-current": id === openSession ? "true" : undefined,
        onclick: () => emit("open-chat", id),
      },
      thumb
        ? h("img", { src: thumb, alt: "", class: "side-thumb", loading: "lazy" })
        : h("span", { class: "side-thumb blank" }),
      h(
        "span",
        { class: "side-text" },
        h("span", { class: "side-title", ...textAttrs(title) }, title),
        h(
          "span",
          { class: "side-meta" },
          when(item.updated_at ?? item.last_activity_at ?? item.last_activity),
        ),
      ),
    ),
  );
}

function projectEntry(item) {
  const id = projectIdOf(item);
  const meta = [item.city, item.area_m2 ? `${item.area_m2} m²` : null].filter(Boolean).join(" · ");
  return h(
    "li",
    {},
    h(
      "button",
      {
        type: "button",
        class: "side-item",
        dataset: { projectId: id },
        onclick: () => emit("open-project", id),
      },
      h(
        "span",
        { class: "side-text" },
        h("span", { class: "side-title", ...textAttrs(item.name) }, item.name || t("untitled")),
        meta ? h("span", { class: "side-meta", ...textAttrs(meta) }, meta) : null,
      ),
    ),
  );
}

let openSession = null; // the conversation open in Chat, marked in the list

function renderList(name) {
  const list = lists[name];
  const entries = list.items.map(name === "sessions" ? sessionEntry : projectEntry);
  const more = list.next
    ? h(
        "li",
        {},
        h(
          "button",
          { type: "button", class: "link-button", onclick: () => loadList(name, true) },
          t("side_more"),
        ),
      )
    : null;
  $(list.box).replaceChildren(
    ...(entries.length ? entries : [h("li", { class: "empty" }, t(list.empty))]),
    ...(more ? [more] : []),
  );
}

/** Load a list's first page (or the next one): items of this owner only, newest first. */
async function loadList(name, more = false) {
  const list = lists[name];
  if (!offered(name)) return;
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (more && list.next) query.set("cursor", list.next);
  try {
    const { data } = await api(`${list.path}?${query}`);
    const items = Array.isArray(data?.items) ? data.items : [];
    list.items = more ? [...list.items, ...items] : items;
    list.next = data?.next_cursor ?? null;
    showProblem("side-problem", null);
  } catch (error) {
    if (error.status !== 404) showProblem("side-problem", asProblem(error));
  }
  renderList(name);
  emit(`${name}-listed`, list.items);
}

export function refreshLists() {
  return Promise.all([loadList("sessions"), loadList("projects")]);
}

/** The projects loaded so far (the gallery filters by them). */
export function knownProjects() {
  return lists.projects.items;
}

export function knownSessions() {
  return lists.sessions.items;
}

// ───────────────────────────── erase my data ─────────────────────────────

async function erase() {
  $("erase-dialog").close();
  const status = $("erase-status");
  status.hidden = false;
  status.textContent = t("erasing");
  delete status.dataset.done;
  showProblem("side-problem", null);
  try {
    const { data } = await api("me", { method: "DELETE" });
    eraseJob = watchJob(data, { origin: "erase", kind: "erase" })?.job_id ?? null;
  } catch (error) {
    status.hidden = true;
    showProblem("side-problem", asProblem(error));
  }
}

function countsText(counts) {
  const entries = Object.entries(counts || {}).filter(([, n]) => Number(n) > 0);
  if (!entries.length) return t("erased_none");
  const fmt = new Intl.NumberFormat(locale());
  const label = (what) => (hasText(`erased_${what}`) ? t(`erased_${what}`) : what.replace(/_/g, " "));
  return t("erased", { counts: entries.map(([what, n]) => `${label(what)} ${fmt.format(n)}`).join(", ") });
}

on("job-done", (job) => {
  if (job.job_id !== eraseJob) return;
  const result = job.result || {};
  $("erase-status").textContent = countsText(result.counts ?? result.result?.counts);
  $("erase-status").dataset.done = "true";
  emit("forget", { erased: true }); // every screen drops what it held for this owner
  refreshLists();
});

on("job-failed", (job) => {
  if (job.job_id !== eraseJob) return;
  $("erase-status").hidden = true;
  showProblem("side-problem", job.error || { title: t("erase_failed") });
});

export function initSidebar() {
  $("side-sessions").closest("section").hidden = !offered("sessions");
  $("side-projects").closest("section").hidden = !offered("projects");
  $("side-erase").hidden = !serves("DELETE", "/me");
  $("sidebar").hidden = !offered("sessions") && !offered("projects") && !serves("DELETE", "/me");
  $("side-new-project").addEventListener("click", () => emit("open-project", null));
  $("erase-open").addEventListener("click", () => $("erase-dialog").showModal());
  $("erase-cancel").addEventListener("click", () => $("erase-dialog").close());
  $("erase-go").addEventListener("click", erase);
}

on("lang", () => {
  renderList("sessions");
  renderList("projects");
});
on("lists-changed", refreshLists);
on("session", (id) => {
  openSession = id;
  renderList("sessions");
});
on("owner", (owner) => {
  if (!owner) {
    for (const list of Object.values(lists)) Object.assign(list, { items: [], next: null });
  }
});
