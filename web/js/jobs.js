// Jobs: long generations, edits and drawings run as jobs (202 + GET /jobs/{id}); this screen
// watches them to a terminal status and tells the other screens when one is done ("job-done").

import { ApiProblem, api, asProblem } from "./api.js";
import { $, figureFor, fmtTime, h, problemView, shortId } from "./dom.js";
import { emit, on } from "./events.js";
import { hasText, t } from "./i18n.js";
import { selectTab } from "./tabs.js";

export const TERMINAL = new Set(["succeeded", "failed", "blocked", "cancelled", "canceled", "expired"]);

const jobs = new Map(); // job id → job entry

/** The status of a watched job, or undefined. */
export function jobStatus(id) {
  return jobs.get(id)?.status;
}

export function watchJob(accepted, context = {}) {
  const id = accepted?.job_id;
  if (!id) return null;
  let job = jobs.get(id);
  if (!job) {
    job = {
      job_id: id,
      kind: accepted.kind || context.kind || "",
      status: accepted.status || "watching",
      location: context.location || accepted.location || `jobs/${id}`,
      origin: context.origin || "jobs",
      prompt: context.prompt,
      history: [{ status: accepted.status || "watching", at: Date.now() }],
      images: [],
      error: null,
      pollError: null,
      created_at: null,
      updated_at: null,
      delay: 600,
      timer: null,
      done: false,
      stopped: false,
    };
    jobs.set(id, job);
  }
  renderJobs();
  scheduleJob(job, 300);
  return job;
}

function scheduleJob(job, delay) {
  clearTimeout(job.timer);
  if (job.done || job.stopped) return;
  job.timer = setTimeout(() => pollJob(job), delay);
}

async function pollJob(job) {
  if (job.done || job.stopped) return;
  let retryAfter = null;
  try {
    const response = await api(`jobs/${encodeURIComponent(job.job_id)}`);
    const data = response.data || {};
    retryAfter = Number(response.headers.get("Retry-After"));
    job.pollError = null;
    job.failures = 0;
    job.kind = data.kind || job.kind;
    job.created_at = data.created_at ?? job.created_at;
    job.updated_at = data.updated_at ?? job.updated_at;
    job.images = Array.isArray(data.images) ? data.images : job.images;
    job.error = data.error || null;
    job.result = data; // the whole document: an export's url, an erasure's counts
    if (data.status && data.status !== job.status) {
      job.status = data.status;
      job.history.push({ status: data.status, at: Date.now() });
    }
    if (TERMINAL.has(job.status)) {
      job.done = true;
      onJobDone(job);
    }
  } catch (error) {
    job.failures = (job.failures || 0) + 1;
    job.pollError = asProblem(error);
    if ((error instanceof ApiProblem && [401, 403, 404].includes(error.status)) || job.failures >= 8) {
      job.done = true;
      job.error = job.pollError;
      job.pollError = null;
    }
  }
  renderJobs();
  if (!job.done) {
    const wait =
      Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 5000) : job.delay;
    job.delay = Math.min(Math.round(job.delay * 1.4), 4000);
    scheduleJob(job, Math.max(wait, 400));
  }
}

function onJobDone(job) {
  emit(job.status === "succeeded" ? "job-done" : "job-failed", job);
}

function statusLabel(status) {
  const key = `status_${status}`;
  return hasText(key) ? t(key) : t("status_unknown", { s: status });
}

function jobCard(job) {
  const status = job.status || "watching";
  const terminal = TERMINAL.has(status);
  const stages = ["queued", "running", status === "failed" || status === "blocked" ? status : "succeeded"];
  const reached = new Set(job.history.map((x) => x.status));
  if (terminal) {
    reached.add("queued");
    reached.add("running");
  } else if (status === "running") reached.add("queued");
  // Indeterminate while the job is queued or running; gone once it is done.
  const progress = terminal
    ? null
    : h("progress", { class: "job-progress", "aria-label": statusLabel(status) });
  const kindKey = `job_kind_${job.kind || job.origin}`;
  return h(
    "li",
    { class: "job", dataset: { jobId: job.job_id, status } },
    h(
      "div",
      { class: "job-head" },
      h("strong", {}, hasText(kindKey) ? t(kindKey) : job.kind || "job"),
      h("code", { dir: "ltr", title: job.job_id }, job.job_id),
      h("span", { class: "status", dataset: { status }, role: "status" }, statusLabel(status)),
      !terminal && !job.stopped
        ? h(
            "button",
            {
              type: "button",
              class: "link-button",
              onclick: () => {
                job.stopped = true;
                clearTimeout(job.timer);
                renderJobs();
              },
            },
            t("stop"),
          )
        : null,
    ),
    h(
      "ol",
      { class: "stages", "aria-hidden": "true" },
      stages.map((s) =>
        h(
          "li",
          { class: reached.has(s) || s === status ? (s === status ? "current" : "done") : "" },
          statusLabel(s),
        ),
      ),
    ),
    progress,
    h(
      "p",
      { class: "meta" },
      [
        job.created_at ? t("created", { t: fmtTime(job.created_at) }) : null,
        job.updated_at ? t("updated", { t: fmtTime(job.updated_at) }) : null,
      ]
        .filter(Boolean)
        .join(" · "),
    ),
    job.pollError ? h("p", { class: "warn" }, t("poll_error")) : null,
    job.error ? h("div", { class: "problem", role: "alert" }, problemView(job.error)) : null,
    job.images.length
      ? h(
          "div",
          { class: "gallery" },
          job.images.map((view) => figureFor(view, { alt: job.prompt || statusLabel(status) })),
        )
      : null,
  );
}

function renderJobs() {
  const list = [...jobs.values()].reverse();
  $("job-list").replaceChildren(...list.map(jobCard));
  $("jobs-empty").hidden = list.length > 0;
  const active = list.filter((j) => !TERMINAL.has(j.status) && !j.done && !j.stopped).length;
  const count = $("jobs-count");
  count.hidden = active === 0;
  count.textContent = active ? String(active) : "";
}

export function initJobs() {
  $("job-watch-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const id = $("job-id-input").value.trim();
    if (!id) return;
    const existing = jobs.get(id);
    if (existing) {
      existing.done = false;
      existing.stopped = false;
    }
    watchJob({ job_id: id }, { origin: "jobs" });
    $("job-id-input").value = "";
  });
}

export function jobNotice(boxId, job) {
  const box = $(boxId);
  box.replaceChildren(
    h("span", {}, t("job_started", { id: shortId(job.job_id) })),
    " ",
    h(
      "button",
      { type: "button", class: "link-button", onclick: () => selectTab("jobs", { focus: true }) },
      t("go_jobs"),
    ),
  );
  box.hidden = false;
}

on("lang", renderJobs);
on("forget", () => {
  for (const job of jobs.values()) clearTimeout(job.timer);
  jobs.clear();
  renderJobs();
});
