// The playground's entry point: the header (API health, identity, language) and every screen.
// Plain ES modules, no build step; nothing is fetched from outside this origin except the
// presigned image and upload URLs the API hands out. Each screen lives in its own module.

import { API_BASE, api, getOwner, loadRoutes, serves, setOwner } from "./api.js";
import { loadCatalog } from "./catalog.js";
import { initChat, currentSession, loadHistory } from "./chat.js";
import { $, shortId } from "./dom.js";
import { initEdit } from "./edit.js";
import { initEstimate } from "./estimate.js";
import { emit, on } from "./events.js";
import { initGallery } from "./gallery.js";
import { initGenerate } from "./generate.js";
import { getLang, setLang, t } from "./i18n.js";
import { initJobs } from "./jobs.js";
import { initProjects } from "./projects.js";
import { initSidebar, refreshLists } from "./sidebar.js";
import { initTabs, offerTab } from "./tabs.js";

function renderOwner() {
  const owner = getOwner();
  const el = $("owner-id");
  el.textContent = owner ? shortId(owner.replace(/^anon-/, "")) : t("owner_none");
  if (owner) el.title = owner;
  else el.removeAttribute("title");
  $("owner-forget").hidden = !owner;
}

function showProvider(provider) {
  $("provider-badge").hidden = false;
  $("provider-name").textContent = provider;
}

/** The static page's text in the current language; then every screen re-renders its own. */
function applyLanguage() {
  const uiLang = getLang();
  const root = document.documentElement;
  root.lang = uiLang;
  root.dir = uiLang === "ar" ? "rtl" : "ltr";
  document.title = t("title");
  for (const el of document.querySelectorAll("[data-i18n]")) {
    if (el.getAttribute("aria-busy") === "true") continue;
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of document.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  $("tablist").setAttribute("aria-label", t("tablist"));
  const toggle = $("lang-toggle");
  const other = uiLang === "ar" ? "en" : "ar";
  toggle.textContent = other === "ar" ? "العربية" : "English";
  toggle.lang = other;
  toggle.setAttribute(
    "aria-label",
    other === "ar" ? "العربية — Arabic interface" : "English — الواجهة بالإنجليزي",
  );
  renderOwner();
  emit("lang", uiLang);
}

function initLanguage() {
  $("lang-toggle").addEventListener("click", () => {
    setLang(getLang() === "ar" ? "en" : "ar");
    applyLanguage();
  });
}

async function checkHealth() {
  const pill = $("api-status");
  const label = $("api-status-text");
  try {
    const { data } = await api("health");
    const ok = data && (data.status === "ok" || data.status === "healthy");
    pill.dataset.state = ok ? "ok" : "down";
    label.dataset.i18n = ok ? "api_ok" : "api_down";
  } catch {
    pill.dataset.state = "down";
    label.dataset.i18n = "api_down";
  }
  label.textContent = t(label.dataset.i18n);
}

function initIdentity() {
  renderOwner();
  on("owner", renderOwner);
  on("provider", showProvider);
  $("owner-forget").addEventListener("click", () => {
    if (!confirm(t("forget_confirm"))) return;
    setOwner(null);
    emit("forget");
    applyLanguage();
  });
  if (API_BASE !== new URL(".", location.href).href) {
    $("link-docs").href = new URL("docs", API_BASE).href;
    $("link-openapi").href = new URL("openapi.json", API_BASE).href;
  }
}

/** Screens appear only when the API serves what they need. */
function offerScreens() {
  offerTab("estimate", serves("POST", "/estimate"));
  offerTab("projects", serves("GET", "/projects") && serves("POST", "/projects"));
  offerTab("gallery", serves("GET", "/images"));
}

async function start() {
  await loadRoutes();
  offerScreens();
  initTabs();
  initLanguage();
  initIdentity();
  initChat();
  initGenerate();
  initEdit();
  initEstimate();
  initJobs();
  initProjects();
  initGallery();
  initSidebar();
  applyLanguage();
  document.body.dataset.ready = "true";
  await Promise.all([checkHealth(), loadCatalog()]);
  await Promise.all([currentSession() ? loadHistory({ quiet: true }) : null, refreshLists()]);
  document.body.dataset.loaded = "true";
}

start();
