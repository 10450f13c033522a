// A style picker: the catalogue's styles as cards with their preview image (GET /styles →
// ``preview_url``), kept in step with a <select> that stays the form's value (and its keyboard path).

import { API_BASE } from "./api.js";
import { catalog } from "./catalog.js";
import { h, nameOf, textAttrs } from "./dom.js";
import { on } from "./events.js";
import { t } from "./i18n.js";

/** A preview's URL: ``preview_url`` is relative to the API's base (a stage path included). */
export function previewUrl(style) {
  if (!style?.preview_url) return null;
  return new URL(String(style.preview_url).replace(/^\//, ""), API_BASE).href;
}

/** Fill ``container`` with one card per style (plus "none"), choosing in ``select`` when clicked. */
export function stylePicker(select, container, noneKey) {
  function render() {
    const chosen = select.value;
    const card = (id, name, preview) =>
      h(
        "button",
        {
          type: "button",
          class: "style-card",
          role: "radio",
          "aria-checked": String(id === chosen),
          dataset: { styleId: id },
          onclick: () => {
            select.value = id;
            select.dispatchEvent(new Event("change", { bubbles: true }));
          },
        },
        preview
          ? h("img", { src: preview, alt: "", loading: "lazy", width: 96, height: 72 })
          : h("span", { class: "style-card-blank", "aria-hidden": "true" }),
        h("span", { class: "style-card-name", ...textAttrs(name) }, name),
      );
    container.replaceChildren(
      card("", t(noneKey), null),
      ...catalog.styles.map((style) => card(style.id, nameOf(style), previewUrl(style))),
    );
  }
  container.setAttribute("role", "radiogroup");
  select.addEventListener("change", render);
  on("catalog", render);
  on("lang", () => {
    container.setAttribute("aria-label", t("style"));
    render();
  });
  render();
}
