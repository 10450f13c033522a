// Projects: a home (name, city, area, state, grade, budget) with its rooms (POST /projects), and its
// page (GET /projects/{id}): each room's size, finishes, latest plan and renders, and the project's
// estimate with its budget verdict. A project can be exported as a zip (a job) or deleted.

import { api, asProblem, randomId } from "./api.js";
import { $, figureFor, fmtNumber, h, nameOf, safeUrl, setBusy, showProblem, textAttrs } from "./dom.js";
import { emit, on } from "./events.js";
import { estimateView, egp } from "./estimate.js";
import { showGallery } from "./gallery.js";
import { addStrings, getLang, hasText, t } from "./i18n.js";
import { watchJob } from "./jobs.js";
import { renderPlan } from "./plan.js";
import { GRADES, STATES, optionsFor, roomsEditor } from "./rooms.js";
import { catalog } from "./catalog.js";
import { setContext } from "./context.js";
import { selectTab } from "./tabs.js";

addStrings({
  en: {
    tab_projects: "Projects",
    proj_new_title: "New project",
    proj_hint: "A home and its rooms: the designer and the estimator use what it already knows.",
    proj_name: "Name",
    proj_city: "City",
    proj_area: "Area (m²)",
    proj_create: "Create project",
    proj_creating: "Creating…",
    proj_need_name: "Give the project a name and at least one room.",
    proj_rooms: "Rooms",
    proj_estimate: "The project's estimate",
    proj_no_estimate: "No estimate yet: give the rooms their sizes.",
    proj_plan: "Latest plan",
    proj_renders: "Renders",
    proj_no_renders: "No renders for this room yet.",
    proj_export: "Export (zip)",
    proj_exporting: "Preparing the export…",
    proj_export_ready: "Download the export",
    proj_export_failed: "The export did not finish; try again.",
    proj_delete: "Delete project",
    proj_delete_confirm: "Delete this project? Its conversations and images stay in your gallery.",
    proj_images: "All its images",
    proj_size: "{dims} m",
    proj_budget: "Budget",
    proj_room_generate: "Generate for this room",
    proj_room_chat: "Talk about this room",
    job_kind_export: "Export",
  },
  ar: {
    tab_projects: "المشاريع",
    proj_new_title: "مشروع جديد",
    proj_hint: "البيت وأوضه: المصمم والمقايسة بيستخدموا اللي المشروع عارفه.",
    proj_name: "الاسم",
    proj_city: "المدينة",
    proj_area: "المساحة (م²)",
    proj_create: "اعمل المشروع",
    proj_creating: "بيتعمل…",
    proj_need_name: "سمّي المشروع وضيف أوضة على الأقل.",
    proj_rooms: "الأوض",
    proj_estimate: "مقايسة المشروع",
    proj_no_estimate: "مافيش مقايسة لسه: اكتب مقاسات الأوض.",
    proj_plan: "آخر خطة",
    proj_renders: "التصميمات",
    proj_no_renders: "مافيش تصميمات للأوضة دي لسه.",
    proj_export: "صدّر (zip)",
    proj_exporting: "بيجهّز الملف…",
    proj_export_ready: "نزّل الملف",
    proj_export_failed: "التصدير ماخلصش؛ جرّب تاني.",
    proj_delete: "احذف المشروع",
    proj_delete_confirm: "تحذف المشروع ده؟ محادثاته وصوره هتفضل في المعرض.",
    proj_images: "كل صوره",
    proj_size: "{dims} م",
    proj_budget: "الميزانية",
    proj_room_generate: "ولّد للأوضة دي",
    proj_room_chat: "اتكلم عن الأوضة دي",
    job_kind_export: "تصدير",
  },
});

let rooms = null; // the new-project rooms editor
let project = null; // the project on screen (GET /projects/{id})
let exportJob = null;
let exportUrl = null;

const idOf = (doc) => doc?.project_id ?? doc?.id;

// ───────────────────────────── new project ─────────────────────────────

function projectBody() {
  const body = {
    name: $("proj-name").value.trim(),
    state: $("proj-state").value,
    grade: $("proj-grade").value,
    rooms: rooms.get(),
  };
  if ($("proj-city").value.trim()) body.city = $("proj-city").value.trim();
  if ($("proj-area").value !== "") body.area_m2 = Number($("proj-area").value);
  if ($("proj-budget").value !== "") body.budget_egp = Number($("proj-budget").value);
  return body;
}

async function createProject() {
  showProblem("proj-problem", null);
  const body = projectBody();
  if (!body.name || !body.rooms.length) {
    showProblem("proj-problem", { title: t("proj_need_name") });
    return;
  }
  const button = $("proj-create");
  setBusy(button, true, "proj_creating");
  try {
    const { data } = await api("projects", {
      method: "POST",
      json: body,
      headers: { "Idempotency-Key": randomId() },
    });
    emit("lists-changed");
    await openProject(idOf(data));
  } catch (error) {
    showProblem("proj-problem", asProblem(error));
  } finally {
    setBusy(button, false);
  }
}

function showNewProject() {
  project = null;
  $("project-page").hidden = true;
  $("proj-form").hidden = false;
  selectTab("projects");
  $("proj-name").focus();
}

// ───────────────────────────── the project page ─────────────────────────────

async function openProject(id) {
  if (!id) {
    showNewProject();
    return;
  }
  selectTab("projects");
  showProblem("proj-problem", null);
  try {
    // The estimate's item names come in the asked language.
    const { data } = await api(`projects/${encodeURIComponent(id)}?lang=${getLang()}`);
    project = data;
    if (exportJob && exportJob.project !== id) {
      exportJob = null;
      exportUrl = null;
    }
    renderProject();
  } catch (error) {
    $("project-page").hidden = true;
    $("proj-form").hidden = false;
    showProblem("proj-problem", asProblem(error));
  }
}

function finishLabel(finish) {
  if (!finish) return "";
  const type = typeof finish === "string" ? finish : finish.type;
  const option = Array.isArray(finish?.tile_cm)
    ? `:${finish.tile_cm.join("x")}`
    : finish?.band_m !== undefined
      ? `:${finish.band_m}`
      : "";
  for (const key of [`finish_${type}${option}`, `finish_${type}`]) if (hasText(key)) return t(key);
  return String(type ?? "");
}

function roomSize(room) {
  const sides = [room.length_m, room.width_m].filter((v) => Number.isFinite(Number(v)));
  if (sides.length === 2) {
    const dims = [...sides, room.height_m].filter((v) => v != null && Number.isFinite(Number(v)));
    return t("proj_size", { dims: dims.map((v) => fmtNumber(v)).join(" × ") });
  }
  if (Number.isFinite(Number(room.area_m2))) return `${fmtNumber(room.area_m2)} m²`;
  return "";
}

function roomCard(room) {
  const type = catalog.room_types.find((r) => r.id === room.type);
  const surfaces = [
    ["walls", room.walls],
    ["floor", room.floor],
    ["ceiling", room.ceiling],
  ].filter(([, finish]) => finish);
  const plan = room.latest_plan ?? room.plan;
  const renders = room.renders ?? room.latest_renders ?? room.images ?? [];
  return h(
    "section",
    { class: "room-card", dataset: { roomId: room.id ?? room.room_id ?? "" } },
    h(
      "header",
      { class: "room-head" },
      h("h4", textAttrs(room.name), room.name),
      h(
        "span",
        { class: "meta" },
        [type ? nameOf(type) : room.type, roomSize(room)].filter(Boolean).join(" · "),
      ),
    ),
    surfaces.length
      ? h(
          "dl",
          { class: "facts surfaces" },
          surfaces.map(([surface, finish]) =>
            h("div", { class: "fact" }, h("dt", {}, t(surface)), h("dd", {}, finishLabel(finish))),
          ),
        )
      : null,
    h(
      "div",
      { class: "actions room-actions" },
      h(
        "button",
        { type: "button", class: "secondary room-generate", onclick: () => workOn(room, "generate") },
        t("proj_room_generate"),
      ),
      h(
        "button",
        { type: "button", class: "secondary room-chat", onclick: () => workOn(room, "chat") },
        t("proj_room_chat"),
      ),
    ),
    plan ? h("details", { class: "room-plan" }, h("summary", {}, t("proj_plan")), renderPlan(plan)) : null,
    h("h5", {}, t("proj_renders")),
    renders.length
      ? h(
          "div",
          { class: "gallery room-renders" },
          renders.map((view) => figureFor(view, { alt: room.name })),
        )
      : h("p", { class: "empty" }, t("proj_no_renders")),
  );
}

/** Generate for a room, or talk about it: what is made is filed under the project and the room. */
function workOn(room, where) {
  setContext({
    project_id: idOf(project),
    room_id: room.id,
    project_name: project.name,
    room_name: room.name,
  });
  if (where === "chat") {
    emit("open-chat", null);
  } else {
    selectTab("generate");
    emit("generate-for", { room_type: room.type });
  }
}

function renderProject() {
  const page = $("project-page");
  if (!project) {
    page.hidden = true;
    return;
  }
  $("proj-form").hidden = true;
  page.hidden = false;
  const id = idOf(project);
  const facts = [
    [t("proj_city"), project.city],
    [t("proj_area"), project.area_m2 != null ? fmtNumber(project.area_m2) : null],
    [t("est_state"), project.state ? t(`state_${project.state}`) : null],
    [t("est_grade"), project.grade ? t(`grade_${project.grade}`) : null],
    [
      t("proj_budget"),
      project.budget_egp ? egp({ low: project.budget_egp, high: project.budget_egp }) : null,
    ],
  ].filter(([, v]) => v);
  const estimate = project.estimate;
  const exporting = exportJob && exportJob.project === id && !exportUrl;
  page.replaceChildren(
    h(
      "header",
      { class: "project-head", dataset: { projectId: id } },
      h("h2", { id: "project-name", ...textAttrs(project.name) }, project.name),
      h(
        "div",
        { class: "actions" },
        h(
          "button",
          { type: "button", class: "secondary", id: "project-images", onclick: openImages },
          t("proj_images"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "secondary",
            id: "project-export",
            onclick: exportProject,
            disabled: exporting,
          },
          t("proj_export"),
        ),
        h(
          "button",
          { type: "button", class: "danger", id: "project-delete", onclick: deleteProject },
          t("proj_delete"),
        ),
      ),
    ),
    h(
      "p",
      {
        class: "notice",
        id: "project-export-status",
        role: "status",
        hidden: !exportJob || exportJob.project !== id,
      },
      exportUrl
        ? h(
            "a",
            { href: exportUrl, id: "project-export-link", download: "", rel: "noopener" },
            t("proj_export_ready"),
          )
        : t("proj_exporting"),
    ),
    facts.length
      ? h(
          "dl",
          { class: "facts" },
          facts.map(([k, v]) =>
            h("div", { class: "fact" }, h("dt", {}, k), h("dd", textAttrs(String(v)), String(v))),
          ),
        )
      : null,
    h("h3", {}, t("proj_rooms")),
    h("div", { class: "rooms-grid" }, (project.rooms || []).map(roomCard)),
    h("h3", {}, t("proj_estimate")),
    estimate
      ? h(
          "div",
          { id: "project-estimate" },
          estimateView({ ...estimate, budget: estimate.budget ?? project.budget }),
        )
      : h(
          "p",
          { class: "empty", id: "project-estimate-note" },
          project.estimate_note || t("proj_no_estimate"),
        ),
  );
}

function openImages() {
  selectTab("gallery");
  showGallery({ project_id: idOf(project) });
}

async function exportProject() {
  const id = idOf(project);
  try {
    const { data } = await api(`projects/${encodeURIComponent(id)}/export`, { method: "POST" });
    const job = watchJob(data, { origin: "export", kind: "export" });
    exportJob = { id: job?.job_id, project: id };
    exportUrl = null;
  } catch (error) {
    showProblem("proj-problem", asProblem(error));
  }
  renderProject();
}

async function deleteProject() {
  if (!confirm(t("proj_delete_confirm"))) return;
  try {
    await api(`projects/${encodeURIComponent(idOf(project))}`, { method: "DELETE" });
    emit("lists-changed");
    showNewProject();
  } catch (error) {
    showProblem("proj-problem", asProblem(error));
  }
}

on("job-done", (job) => {
  if (!exportJob || job.job_id !== exportJob.id) return;
  const result = job.result || {};
  exportUrl = safeUrl(result.url ?? result.result?.url);
  if (project && idOf(project) === exportJob.project) renderProject();
});

on("job-failed", (job) => {
  if (!exportJob || job.job_id !== exportJob.id) return;
  exportJob = null;
  renderProject();
  showProblem("proj-problem", job.error || { title: t("proj_export_failed") });
});

export function initProjects() {
  rooms = roomsEditor($("proj-rooms"), "proj");
  rooms.set([{ name: "", type: "living_room" }]);
  optionsFor($("proj-state"), STATES, (s) => `state_${s}`);
  optionsFor($("proj-grade"), GRADES, (g) => `grade_${g}`);
  $("proj-state").value = "semi_finished";
  $("proj-grade").value = "super_lux";
  $("proj-form").addEventListener("submit", (event) => {
    event.preventDefault();
    createProject();
  });
}

on("open-project", openProject);
on("lang", () => {
  optionsFor($("proj-state"), STATES, (s) => `state_${s}`);
  optionsFor($("proj-grade"), GRADES, (g) => `grade_${g}`);
  rooms?.relabel();
  if (project) openProject(idOf(project));
});
on("forget", () => {
  project = null;
  exportJob = null;
  exportUrl = null;
  $("project-page").hidden = true;
  $("proj-form").hidden = false;
});
