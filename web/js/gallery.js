// Gallery: every image the owner has (GET /images), filtered by kind, project or conversation, a page
// at a time. Any image opens in Edit, compared with its source.

import { api, asProblem } from "./api.js";
import { $, figureFor, h, showProblem } from "./dom.js";
import { on } from "./events.js";
import { addStrings, t } from "./i18n.js";
import { knownProjects, knownSessions, projectIdOf, sessionIdOf } from "./sidebar.js";

addStrings({
  en: {
    tab_gallery: "Gallery",
    gallery_title: "Your images",
    gallery_kind: "Kind",
    gallery_all: "All",
    gallery_project: "Project",
    gallery_session: "Conversation",
    gallery_any_project: "Any project",
    gallery_any_session: "Any conversation",
    kind_upload: "Uploads",
    kind_generated: "Generated",
    kind_edited: "Edited",
    gallery_empty: "No images here yet.",
  },
  ar: {
    tab_gallery: "المعرض",
    gallery_title: "صورك",
    gallery_kind: "النوع",
    gallery_all: "الكل",
    gallery_project: "المشروع",
    gallery_session: "المحادثة",
    gallery_any_project: "أي مشروع",
    gallery_any_session: "أي محادثة",
    kind_upload: "المرفوعة",
    kind_generated: "المولّدة",
    kind_edited: "المعدّلة",
    gallery_empty: "مافيش صور هنا لسه.",
  },
});

const PAGE = 24;
const shown = { items: [], next: null };
let loading = 0; // the latest request wins when filters change quickly

function filters() {
  const query = new URLSearchParams({ limit: String(PAGE) });
  for (const [param, id] of [
    ["kind", "gallery-kind"],
    ["project_id", "gallery-project"],
    ["session_id", "gallery-session"],
  ]) {
    if ($(id).value) query.set(param, $(id).value);
  }
  return query;
}

async function load(more = false) {
  const query = filters();
  if (more && shown.next) query.set("cursor", shown.next);
  const ticket = ++loading;
  showProblem("gallery-problem", null);
  try {
    const { data } = await api(`images?${query}`);
    if (ticket !== loading) return;
    const items = Array.isArray(data?.items) ? data.items : [];
    shown.items = more ? [...shown.items, ...items] : items;
    shown.next = data?.next_cursor ?? null;
  } catch (error) {
    if (ticket !== loading) return;
    showProblem("gallery-problem", asProblem(error));
  }
  render();
}

function render() {
  const grid = $("gallery-grid");
  grid.replaceChildren(
    ...shown.items.map((view) => {
      const figure = figureFor(view, { alt: view.prompt || view.operation || view.kind || "" });
      if (view.kind) figure.dataset.kind = view.kind;
      return figure;
    }),
  );
  $("gallery-empty").hidden = shown.items.length > 0;
  $("gallery-more").hidden = !shown.next;
}

/** A filter select of projects or conversations, keeping the choice when the list is refreshed. */
function fillChoices(select, items, idOf, label, anyKey) {
  const chosen = select.value;
  select.replaceChildren(
    h("option", { value: "" }, t(anyKey)),
    ...items.map((item) => h("option", { value: idOf(item) }, label(item))),
  );
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}

function fillFilters() {
  fillChoices(
    $("gallery-project"),
    knownProjects(),
    projectIdOf,
    (p) => p.name || projectIdOf(p),
    "gallery_any_project",
  );
  fillChoices(
    $("gallery-session"),
    knownSessions(),
    sessionIdOf,
    (s) => s.title || sessionIdOf(s),
    "gallery_any_session",
  );
}

export function initGallery() {
  for (const id of ["gallery-kind", "gallery-project", "gallery-session"]) {
    $(id).addEventListener("change", () => load());
  }
  $("gallery-more").addEventListener("click", () => load(true));
  fillFilters();
}

/** Open the gallery filtered (a project page's "all its images"). */
export function showGallery({ project_id = "", session_id = "" } = {}) {
  fillFilters();
  $("gallery-project").value = project_id;
  $("gallery-session").value = session_id;
  return load();
}

// The gallery is read each time it is opened, so it shows what is there now.
on("tab", (name) => name === "gallery" && load());
on("projects-listed", fillFilters);
on("sessions-listed", fillFilters);
on("lang", () => {
  fillFilters();
  render();
});
on("forget", () => {
  shown.items = [];
  shown.next = null;
});
