// What the work is for: a project and one of its rooms. While set, Chat, Generate and Edit send
// ``project_id`` and ``room_id``, so conversations and images are filed under the room (and the
// designer sees the project). Shown in one bar above every screen, with a way out.

import { $, h, textAttrs } from "./dom.js";
import { emit, on } from "./events.js";
import { addStrings, t } from "./i18n.js";

addStrings({
  en: { context_for: "Working on", context_clear: "Stop", context_clear_label: "Stop working on {name}" },
  ar: { context_for: "شغال على", context_clear: "وقّف", context_clear_label: "وقّف الشغل على {name}" },
});

let context = null; // {project_id, room_id, project_name, room_name}

/** The fields a request carries for the current context ({} when there is none). */
export function contextFields() {
  if (!context) return {};
  return context.room_id
    ? { project_id: context.project_id, room_id: context.room_id }
    : { project_id: context.project_id };
}

export function setContext(value) {
  context = value;
  render();
  emit("context", context);
}

function render() {
  const bar = $("context-bar");
  bar.hidden = !context;
  if (!context) {
    bar.replaceChildren();
    return;
  }
  const name = [context.project_name, context.room_name].filter(Boolean).join(" › ");
  bar.replaceChildren(
    h("span", {}, t("context_for"), ": "),
    h(
      "b",
      { id: "context-name" },
      h("bdi", textAttrs(context.project_name), context.project_name),
      context.room_name ? [" › ", h("bdi", textAttrs(context.room_name), context.room_name)] : null,
    ),
    h(
      "button",
      {
        type: "button",
        class: "link-button",
        id: "context-clear",
        "aria-label": t("context_clear_label", { name }),
        onclick: () => setContext(null),
      },
      t("context_clear"),
    ),
  );
}

on("lang", render);
on("forget", () => setContext(null));
