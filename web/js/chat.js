// Chat: talk to the designer (POST /chat) with photos; the reply, its plan and drawings, and the
// conversation's history (GET /chat/sessions/{id}), kept across reloads.

import { ApiProblem, api, asProblem, randomId, toImageRefs } from "./api.js";
import { contextFields } from "./context.js";
import { $, figureFor, h, imageEl, setBusy, shortId, showProblem, textAttrs } from "./dom.js";
import { emit, on } from "./events.js";
import { t } from "./i18n.js";
import { TERMINAL, jobStatus, watchJob } from "./jobs.js";
import { renderChanges, renderPlan } from "./plan.js";
import { STORE, safeStorage } from "./storage.js";
import { selectTab } from "./tabs.js";

const MAX_PHOTOS = 4;

const state = {
  session: safeStorage.get(STORE.session),
  turns: [], // normalised chat turns (see normaliseTurn)
  pendingPhotos: [], // {file, url}
};

export function currentSession() {
  return state.session;
}

function normaliseTurn(raw) {
  return {
    index: raw.turn ?? raw.index ?? null,
    message: raw.message ?? "",
    attachments: raw.attachments || [],
    localPhotos: raw.localPhotos || [],
    response: raw.response ?? "",
    plan: raw.plan ?? null,
    changes: raw.changes || [],
    images: raw.images || [],
    jobIds: raw.job_ids || (raw.jobs || []).map((j) => j.job_id).filter(Boolean),
    provider: raw.provider,
    model: raw.model,
    lang: raw.lang,
    pending: Boolean(raw.pending),
  };
}

function setSession(id) {
  state.session = id || null;
  emit("session", state.session);
  safeStorage.set(STORE.session, state.session);
  $("chat-session").textContent = state.session || t("new_session");
  if (state.session) $("chat-session").title = state.session;
  else $("chat-session").removeAttribute("title");
  $("chat-history").disabled = !state.session;
  $("chat-delete").disabled = !state.session;
}

function renderTurn(turn) {
  const article = h("article", { class: "turn", dataset: { turn: turn.index ?? "" } });
  const userPhotos = turn.attachments.length
    ? turn.attachments.map((view) => imageEl(view, { alt: t("attached_photos"), className: "thumb" }))
    : turn.localPhotos.map((p) => h("img", { src: p.url, alt: p.name, class: "thumb" }));
  article.append(
    h(
      "div",
      { class: "msg user" },
      h("span", { class: "who" }, t("you")),
      turn.message ? h("p", { class: "bubble", ...textAttrs(turn.message) }, turn.message) : null,
      userPhotos.length ? h("div", { class: "msg-photos" }, userPhotos) : null,
    ),
  );
  if (turn.pending) {
    article.append(
      h(
        "div",
        { class: "msg designer pending", "aria-busy": "true" },
        h("span", { class: "who" }, t("designer")),
        h("p", { class: "bubble" }, h("span", { class: "dots", "aria-hidden": "true" }), t("thinking")),
      ),
    );
    return article;
  }
  const designer = h(
    "div",
    { class: "msg designer" },
    h("span", { class: "who" }, t("designer")),
    h("p", { class: "bubble reply", ...textAttrs(turn.response) }, turn.response),
  );
  const changes = renderChanges(turn.changes, turn.plan);
  if (changes) designer.append(changes);
  const plan = renderPlan(turn.plan);
  if (plan) designer.append(plan);
  if (turn.images.length) {
    designer.append(
      h(
        "div",
        { class: "drawn gallery" },
        turn.images.map((view) => figureFor(view, { alt: turn.response.slice(0, 120) })),
      ),
    );
  }
  const waiting = turn.jobIds.filter((id) => !TERMINAL.has(jobStatus(id)));
  if (waiting.length) {
    designer.append(
      h(
        "ul",
        { class: "job-chips" },
        waiting.map((id) =>
          h(
            "li",
            {},
            h("span", { class: "spinner", "aria-hidden": "true" }),
            t("drawing", { id: shortId(id) }),
          ),
        ),
      ),
    );
  }
  const meta = [turn.index ? t("turn", { n: turn.index }) : null, turn.provider, turn.model]
    .filter(Boolean)
    .join(" · ");
  if (meta) designer.append(h("p", { class: "meta", dir: "ltr" }, meta));
  article.append(designer);
  return article;
}

function renderChatLog() {
  const log = $("chat-log");
  const empty = $("chat-empty");
  log.replaceChildren(empty);
  empty.hidden = state.turns.length > 0;
  for (const turn of state.turns) log.append(renderTurn(turn));
}

function scrollChatToEnd() {
  const log = $("chat-log");
  log.scrollTop = log.scrollHeight;
}

function renderPreviews() {
  const list = $("chat-previews");
  list.replaceChildren(
    ...state.pendingPhotos.map((photo, index) =>
      h(
        "li",
        { class: "preview" },
        h("img", { src: photo.url, alt: photo.file.name }),
        h("button", {
          type: "button",
          class: "remove",
          "aria-label": t("remove_photo", { name: photo.file.name }),
          title: t("remove"),
          text: "×",
          onclick: () => {
            URL.revokeObjectURL(photo.url);
            state.pendingPhotos.splice(index, 1);
            renderPreviews();
          },
        }),
      ),
    ),
  );
  list.hidden = state.pendingPhotos.length === 0;
}

async function sendChat() {
  showProblem("chat-problem", null);
  const input = $("chat-message");
  const photos = state.pendingPhotos.slice();
  let message = input.value.trim();
  if (!message && !photos.length) {
    showProblem("chat-problem", { title: t("need_message") });
    input.focus();
    return;
  }
  if (!message) message = t("default_photo_message");
  const button = $("chat-send");
  setBusy(button, true, "sending");
  const pending = normaliseTurn({
    message,
    pending: true,
    localPhotos: photos.map((p) => ({ url: p.url, name: p.file.name })),
  });
  state.turns.push(pending);
  renderChatLog();
  scrollChatToEnd();
  try {
    const images = await toImageRefs(photos.map((p) => p.file));
    const body = { message, images };
    if (state.session) body.session_id = state.session;
    else Object.assign(body, contextFields()); // a new conversation about the project's room
    const lang = $("chat-lang").value;
    if (lang) body.lang = lang;
    const { data } = await api("chat", {
      method: "POST",
      json: body,
      headers: { "Idempotency-Key": randomId() },
    });
    if (!data || typeof data.response !== "string")
      throw new ApiProblem({ title: t("bad_response"), detail: "" });
    const started = !state.session;
    setSession(data.session_id || state.session);
    if (started) emit("lists-changed");
    const turn = normaliseTurn({ ...data, message, localPhotos: pending.localPhotos });
    state.turns[state.turns.indexOf(pending)] = turn;
    input.value = "";
    state.pendingPhotos = [];
    renderPreviews();
    for (const job of data.jobs || []) watchJob(job, { origin: "chat", kind: "chat" });
    // The server's copies replace the local previews.
    if (turn.attachments.length) for (const p of photos) URL.revokeObjectURL(p.url);
  } catch (error) {
    state.turns.splice(state.turns.indexOf(pending), 1);
    showProblem("chat-problem", asProblem(error));
  } finally {
    setBusy(button, false);
    renderChatLog();
    scrollChatToEnd();
  }
}

export async function loadHistory({ quiet = false } = {}) {
  if (!state.session) return;
  const button = $("chat-history");
  setBusy(button, true);
  try {
    const { data } = await api(`chat/sessions/${encodeURIComponent(state.session)}`);
    state.turns = (data?.turns || []).map(normaliseTurn);
    const last = state.turns[state.turns.length - 1];
    if (last?.provider) emit("provider", last.provider);
    for (const turn of state.turns) {
      for (const id of turn.jobIds)
        if (!jobStatus(id)) watchJob({ job_id: id }, { origin: "chat", kind: "chat" });
    }
    renderChatLog();
    scrollChatToEnd();
    if (!quiet) showProblem("chat-problem", null);
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) setSession(null);
    if (!quiet) showProblem("chat-problem", asProblem(error));
  } finally {
    setBusy(button, false);
    $("chat-history").disabled = !state.session;
  }
}

function newConversation() {
  setSession(null);
  state.turns = [];
  renderChatLog();
  showProblem("chat-problem", null);
  $("chat-message").focus();
}

async function deleteConversation() {
  if (!state.session || !confirm(t("delete_confirm"))) return;
  try {
    await api(`chat/sessions/${encodeURIComponent(state.session)}`, { method: "DELETE" });
    newConversation();
    emit("lists-changed");
  } catch (error) {
    showProblem("chat-problem", asProblem(error));
  }
}

export function initChat() {
  setSession(state.session);
  $("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendChat();
  });
  $("chat-message").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      if (!$("chat-send").disabled) sendChat();
    }
  });
  $("chat-photos").addEventListener("change", (event) => {
    const files = [...event.target.files];
    event.target.value = "";
    const room = MAX_PHOTOS - state.pendingPhotos.length;
    if (files.length > room) showProblem("chat-problem", { title: t("too_many_photos", { n: MAX_PHOTOS }) });
    else showProblem("chat-problem", null);
    for (const file of files.slice(0, Math.max(room, 0))) {
      state.pendingPhotos.push({ file, url: URL.createObjectURL(file) });
    }
    renderPreviews();
  });
  $("chat-new").addEventListener("click", newConversation);
  $("chat-history").addEventListener("click", () => loadHistory());
  $("chat-delete").addEventListener("click", deleteConversation);
}

on("lang", () => {
  $("chat-log").setAttribute("aria-label", t("conversation"));
  $("chat-previews").setAttribute("aria-label", t("attached_photos"));
  if (!state.session) $("chat-session").textContent = t("new_session");
  renderChatLog();
  renderPreviews();
});
on("job-done", (job) => {
  if (job.origin !== "chat") return;
  const turn = state.turns.find((tr) => tr.jobIds.includes(job.job_id));
  if (!turn) return;
  const known = new Set(turn.images.map((v) => v.id));
  turn.images.push(...job.images.filter((v) => !known.has(v.id)));
  renderChatLog();
});
on("forget", newConversation);
// Open a conversation from the sidebar; null starts a new one (about the current project's room).
on("open-chat", async (id) => {
  selectTab("chat");
  if (!id) {
    newConversation();
    return;
  }
  if (id === state.session && state.turns.length) return;
  setSession(id);
  state.turns = [];
  renderChatLog();
  await loadHistory();
});
