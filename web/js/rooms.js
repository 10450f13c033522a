// A flat's rooms as the estimator reads them (POST /estimate, POST /projects): one row per room with
// its type, size and a finish per surface from the estimator's closed vocabulary. Shared by the
// Estimate screen and the new-project form.

import { catalog } from "./catalog.js";
import { h, nameOf } from "./dom.js";
import { on } from "./events.js";
import { addStrings, hasText, t } from "./i18n.js";

export const STATES = ["bare", "plastered", "semi_finished", "finished"];
export const GRADES = ["lux", "super_lux", "ultra_super_lux"];
// A finish is its name, or its name with options: "porcelain:60x120" is
// {"type": "porcelain", "tile_cm": [60, 120]}; "gypsum_cove:0.6" is {"type": "gypsum_cove", "band_m": 0.6}.
const WALLS = ["", "paint", "wallpaper", "feature_wall", "wall_tiles", "stone_cladding", "keep"];
const FLOORS = [
  "",
  "porcelain:60x60",
  "porcelain:60x120",
  "ceramic:40x40",
  "parquet",
  "vinyl",
  "marble",
  "keep",
];
const CEILINGS = ["", "paint", "gypsum_full", "gypsum_cove:0.6", "gypsum_design", "keep"];

addStrings({
  en: {
    room_name: "Room",
    room_kind: "Type",
    length_m: "Length (m)",
    width_m: "Width (m)",
    height_m: "Height (m)",
    walls: "Walls",
    floor: "Floor",
    ceiling: "Ceiling",
    add_room: "Add a room",
    remove_room: "Remove {name}",
    finish_default: "usual for the room",
    finish_paint: "paint",
    finish_wallpaper: "wallpaper",
    finish_feature_wall: "feature wall",
    finish_wall_tiles: "wall tiles",
    finish_stone_cladding: "stone cladding",
    finish_keep: "keep as is",
    "finish_porcelain:60x60": "porcelain 60×60",
    "finish_porcelain:60x120": "porcelain 60×120",
    "finish_ceramic:40x40": "ceramic 40×40",
    finish_parquet: "parquet",
    finish_vinyl: "vinyl",
    finish_marble: "marble",
    finish_gypsum_full: "gypsum drop ceiling",
    "finish_gypsum_cove:0.6": "gypsum cove band 60 cm",
    finish_gypsum_design: "gypsum design",
    state_bare: "Bare brick",
    state_plastered: "Plastered",
    state_semi_finished: "Semi-finished",
    state_finished: "Finished (refresh)",
    grade_lux: "Lux",
    grade_super_lux: "Super lux",
    grade_ultra_super_lux: "Ultra super lux",
  },
  ar: {
    room_name: "الأوضة",
    room_kind: "النوع",
    length_m: "الطول (م)",
    width_m: "العرض (م)",
    height_m: "الارتفاع (م)",
    walls: "الحيطان",
    floor: "الأرضية",
    ceiling: "السقف",
    add_room: "ضيف أوضة",
    remove_room: "شيل {name}",
    finish_default: "المعتاد للأوضة",
    finish_paint: "دهان",
    finish_wallpaper: "ورق حائط",
    finish_feature_wall: "حيطة مميزة",
    finish_wall_tiles: "سيراميك حوائط",
    finish_stone_cladding: "تكسية حجر",
    finish_keep: "زي ما هو",
    "finish_porcelain:60x60": "بورسلين ٦٠×٦٠",
    "finish_porcelain:60x120": "بورسلين ٦٠×١٢٠",
    "finish_ceramic:40x40": "سيراميك ٤٠×٤٠",
    finish_parquet: "باركيه",
    finish_vinyl: "فينيل",
    finish_marble: "رخام",
    finish_gypsum_full: "سقف ساقط جبس بورد",
    "finish_gypsum_cove:0.6": "بانوه جبس ٦٠ سم",
    finish_gypsum_design: "جبس بورد بتصميم",
    state_bare: "طوب أحمر",
    state_plastered: "محارة",
    state_semi_finished: "نص تشطيب",
    state_finished: "متشطبة (تجديد)",
    grade_lux: "لوكس",
    grade_super_lux: "سوبر لوكس",
    grade_ultra_super_lux: "الترا سوبر لوكس",
  },
});

/** The request's finish object for a select's value ("" = let the estimator choose). */
function finishOf(value) {
  if (!value) return undefined;
  const [type, option] = value.split(":");
  if (!option) return type;
  if (type === "gypsum_cove") return { type, band_m: Number(option) };
  return { type, tile_cm: option.split("x").map(Number) };
}

/** The select's value for a finish the API returned (a string or an object). */
function valueOf(finish) {
  if (!finish) return "";
  if (typeof finish === "string") return finish;
  if (Array.isArray(finish.tile_cm)) return `${finish.type}:${finish.tile_cm.join("x")}`;
  if (finish.band_m !== undefined) return `${finish.type}:${finish.band_m}`;
  return finish.type || "";
}

/** A finish as a person reads it: "porcelain 60×120", "باركيه"; a finish outside the editor's list is
 * its type with its tile size; none is the room's usual finish. */
export function finishLabel(finish) {
  if (!finish) return t("finish_default");
  const value = valueOf(finish);
  if (hasText(`finish_${value}`)) return t(`finish_${value}`);
  const type = typeof finish === "string" ? finish : finish.type || "";
  const name = hasText(`finish_${type}`) ? t(`finish_${type}`) : type.replace(/_/g, " ");
  return Array.isArray(finish.tile_cm) ? `${name} ${finish.tile_cm.join("×")}` : name;
}

export function optionsFor(select, values, labelKey) {
  const chosen = select.value;
  select.replaceChildren(...values.map((v) => h("option", { value: v }, t(labelKey(v)))));
  if (values.includes(chosen)) select.value = chosen;
}

/** Room type names from the catalogue in the page's language (the id when the catalogue is missing). */
function roomTypeName(id) {
  const record = catalog.room_types.find((r) => r.id === id);
  return record ? nameOf(record) : id.replace(/_/g, " ");
}

/** The room types the estimator prices: the catalogue's (GET /styles), less those it only styles
 * (``estimable: false``), plus the row's own until the catalogue arrives. */
function roomTypeChoices(chosen) {
  const ids = catalog.room_types.filter((r) => r.estimable).map((r) => r.id);
  return ids.includes(chosen) ? ids : [...ids, chosen];
}

/**
 * A rooms editor inside ``container`` (a <tbody> of rows plus an "add" button). ``prefix`` keeps ids
 * unique per screen: the first room's length is ``{prefix}-room-0-length``.
 */
export function roomsEditor(container, prefix) {
  const body = h("tbody", {});
  const head = h("thead", {}, h("tr", {}));
  const tableEl = h("table", { class: "rooms-table" }, head, body);
  const add = h("button", { type: "button", class: "secondary", id: `${prefix}-add-room` });
  container.replaceChildren(h("div", { class: "table-wrap" }, tableEl), add);
  let rows = [];
  let nextId = 0; // ids stay unique while rows come and go

  const number = (name, row, value, { min, max, step = "0.01" }) =>
    h("input", {
      type: "number",
      id: `${prefix}-room-${row}-${name}`,
      name,
      min,
      max,
      step,
      inputmode: "decimal",
      dir: "ltr",
      value: value ?? "",
    });

  function rowFor(room) {
    const index = nextId++;
    const type = h("select", { id: `${prefix}-room-${index}-type`, name: "type" });
    const walls = h("select", { id: `${prefix}-room-${index}-walls`, name: "walls" });
    const floor = h("select", { id: `${prefix}-room-${index}-floor`, name: "floor" });
    const ceiling = h("select", { id: `${prefix}-room-${index}-ceiling`, name: "ceiling" });
    const fields = {
      name: h("input", {
        type: "text",
        id: `${prefix}-room-${index}-name`,
        name: "name",
        maxlength: "60",
        dir: "auto",
        value: room.name ?? "",
      }),
      type,
      length: number("length", index, room.length_m, { min: "0.5", max: "30" }),
      width: number("width", index, room.width_m, { min: "0.5", max: "30" }),
      height: number("height", index, room.height_m, { min: "2.2", max: "6" }),
      walls,
      floor,
      ceiling,
    };
    const remove = h("button", { type: "button", class: "link-button remove-room", text: "×" });
    remove.addEventListener("click", () => {
      rows = rows.filter((r) => r !== entry);
      entry.tr.remove();
      relabel();
    });
    const tr = h(
      "tr",
      { class: "room-row" },
      Object.values(fields).map((field) => h("td", {}, field)),
      h("td", {}, remove),
    );
    const entry = { tr, fields, remove, initial: room };
    return entry;
  }

  function relabel() {
    head.firstChild.replaceChildren(
      ...["room_name", "room_kind", "length_m", "width_m", "height_m", "walls", "floor", "ceiling"].map(
        (key) => h("th", { scope: "col" }, t(key)),
      ),
      h("th", {}),
    );
    for (const { fields, remove, initial } of rows) {
      const chosenType = fields.type.value || initial.type || "living_room";
      fields.type.replaceChildren(
        ...roomTypeChoices(chosenType).map((id) => h("option", { value: id }, roomTypeName(id))),
      );
      fields.type.value = chosenType;
      for (const [select, values, given] of [
        [fields.walls, WALLS, initial.walls],
        [fields.floor, FLOORS, initial.floor],
        [fields.ceiling, CEILINGS, initial.ceiling],
      ]) {
        const chosen = select.options.length ? select.value : valueOf(given);
        optionsFor(select, values, (v) => (v ? `finish_${v}` : "finish_default"));
        if (values.includes(chosen)) select.value = chosen;
      }
      for (const [key, el] of Object.entries(fields)) el.setAttribute("aria-label", t(labelKeys[key]));
      remove.setAttribute("aria-label", t("remove_room", { name: fields.name.value || "" }));
    }
    add.textContent = t("add_room");
  }
  const labelKeys = {
    name: "room_name",
    type: "room_kind",
    length: "length_m",
    width: "width_m",
    height: "height_m",
    walls: "walls",
    floor: "floor",
    ceiling: "ceiling",
  };

  function set(rooms) {
    nextId = 0;
    rows = rooms.map((room) => rowFor(room));
    body.replaceChildren(...rows.map((r) => r.tr));
    relabel();
  }

  on("catalog", relabel); // the room types and their names arrive with GET /styles

  add.addEventListener("click", () => {
    const entry = rowFor({ name: "", type: "bedroom" });
    rows.push(entry);
    body.append(entry.tr);
    relabel();
    entry.fields.name.focus();
  });

  /** The rooms as the API takes them; empty sizes and default finishes are left out. */
  function get() {
    return rows.map(({ fields }) => {
      const room = { name: fields.name.value.trim(), type: fields.type.value };
      for (const [key, field] of [
        ["length_m", fields.length],
        ["width_m", fields.width],
        ["height_m", fields.height],
      ]) {
        if (field.value !== "") room[key] = Number(field.value);
      }
      for (const surface of ["walls", "floor", "ceiling"]) {
        const finish = finishOf(fields[surface].value);
        if (finish) room[surface] = finish;
      }
      return room;
    });
  }

  return { set, get, relabel };
}
