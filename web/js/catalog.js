// The style catalogue (GET /styles): styles and room types, loaded once and shared by the screens.

import { api, asProblem } from "./api.js";
import { h, nameOf, textAttrs } from "./dom.js";
import { emit } from "./events.js";
import { getLang, t } from "./i18n.js";

export const catalog = { styles: [], room_types: [], grades: [], error: null };

export async function loadCatalog() {
  try {
    const { data } = await api(`styles?lang=${getLang()}`);
    const doc = data || {};
    const styles = Array.isArray(doc) ? doc : doc.styles || doc.items || [];
    const rooms = doc.room_types || doc.rooms || doc.roomTypes || [];
    catalog.styles = styles.filter((s) => s && (s.id || s.name_en));
    catalog.room_types = rooms.filter((r) => r && (r.id || r.name_en));
    catalog.grades = Array.isArray(doc.grades) ? doc.grades.filter((g) => g && g.id) : [];
    catalog.error = null;
  } catch (error) {
    catalog.error = asProblem(error);
  }
  emit("catalog", catalog);
}

export function styleById(id) {
  return catalog.styles.find((s) => (s.id || s.name_en) === id);
}

export function roomTypeById(id) {
  return catalog.room_types.find((r) => (r.id || r.name_en) === id);
}

/** Fill a <select> with catalogue records in the page's language, keeping the current choice. */
export function fillSelect(select, records, emptyKey) {
  const chosen = select.value;
  const options = [h("option", { value: "" }, t(emptyKey))];
  for (const record of records) {
    const id = record.id || record.name_en;
    options.push(h("option", { value: id, ...textAttrs(nameOf(record)) }, nameOf(record)));
  }
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
}
