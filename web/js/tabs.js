// The tab strip (ARIA tabs pattern): click or arrow keys, and the URL's #hash names the open tab.

import { $ } from "./dom.js";
import { emit } from "./events.js";

const tabs = () =>
  [...document.querySelectorAll("#tablist [role=tab]")].filter((b) => !b.hidden).map((b) => b.dataset.tab);

/** Hide a tab whose screen the API cannot serve (its routes are not deployed). */
export function offerTab(name, offered) {
  $(`tab-${name}`).hidden = !offered;
}

export function selectTab(name, { focus = false, updateHash = true } = {}) {
  const names = tabs();
  if (!names.includes(name)) name = names[0];
  for (const tab of names) {
    const button = $(`tab-${tab}`);
    const selected = tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`panel-${tab}`).hidden = !selected;
    if (selected && focus) button.focus();
  }
  if (updateHash && location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
  emit("tab", name);
}

export function initTabs() {
  const list = $("tablist");
  list.addEventListener("click", (event) => {
    const button = event.target.closest("[role=tab]");
    if (button) selectTab(button.dataset.tab);
  });
  list.addEventListener("keydown", (event) => {
    const names = tabs();
    const current = names.findIndex((tab) => $(`tab-${tab}`).getAttribute("aria-selected") === "true");
    const rtl = document.documentElement.dir === "rtl";
    const step = { ArrowRight: rtl ? -1 : 1, ArrowLeft: rtl ? 1 : -1 }[event.key];
    let next = null;
    if (step) next = (current + step + names.length) % names.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = names.length - 1;
    if (next === null) return;
    event.preventDefault();
    selectTab(names[next], { focus: true });
  });
  window.addEventListener("hashchange", () => selectTab(location.hash.slice(1), { updateHash: false }));
  selectTab(location.hash.slice(1) || "chat", { updateHash: false });
}
