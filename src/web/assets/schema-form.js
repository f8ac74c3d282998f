// @ts-check
/**
 * A form made from a model's input schema (Cog's `components.schemas.Input`): one labelled field
 * per property in `x-order`, enums as selects, numbers with their bounds, defaults filled in,
 * files by picker, drop or paste (large images made smaller first, then uploaded with
 * `POST /v1/files`, their URL kept), anything else as JSON.
 */
import { api } from "./api.js";
import { h } from "./dom.js";
import { compressForUpload } from "./image-compress.js";

/** @typedef {{ type?: string | string[], title?: string, description?: string, default?: unknown, enum?: unknown[], minimum?: number, maximum?: number, format?: string, "x-order"?: number, allOf?: PropertySchema[], $ref?: string }} PropertySchema */
/** @typedef {{ properties?: Record<string, PropertySchema>, required?: string[] }} ObjectSchema */
/** @typedef {{ name: string, element: HTMLElement, read(): unknown, write(value: unknown): void }} Field */

const IMAGE_TYPE = /^image\//;

export class SchemaForm {
  /**
   * @param {HTMLFieldSetElement} container
   * @param {ObjectSchema} schema
   * @param {Record<string, PropertySchema>} components the schema's siblings, for `$ref`s
   */
  constructor(container, schema, components) {
    const required = new Set(schema.required ?? []);
    const properties = Object.entries(schema.properties ?? {})
      .map(([name, property]) => /** @type {const} */ ([name, resolve(property, components)]))
      .sort(([, a], [, b]) => (a["x-order"] ?? 0) - (b["x-order"] ?? 0));
    /** @type {Field[]} */
    this.fields = properties.map(([name, property], index) =>
      makeField(name, property, required.has(name), `input-${index}`),
    );
    container.replaceChildren(
      h("legend", {}, "Input"),
      ...(required.size > 0 ? [h("p", { class: "hint" }, "Fields marked * are required.")] : []),
      ...this.fields.map((field) => field.element),
    );
  }

  /** The input the form holds; empty fields are left out so the model's defaults apply. */
  read() {
    /** @type {Record<string, unknown>} */
    const input = {};
    for (const field of this.fields) {
      const value = field.read();
      if (value !== undefined) input[field.name] = value;
    }
    return input;
  }

  /**
   * Fills the fields from `values` (absent ones are emptied); answers the names it has no field for.
   * @param {Record<string, unknown>} values
   */
  write(values) {
    for (const field of this.fields) field.write(values[field.name]);
    const names = new Set(this.fields.map((field) => field.name));
    return Object.keys(values).filter((name) => !names.has(name));
  }
}

/**
 * The property with the component its `$ref` or `allOf: [{ $ref }]` names merged in (Cog puts enums there).
 * @param {PropertySchema} property
 * @param {Record<string, PropertySchema>} components
 * @returns {PropertySchema}
 */
function resolve(property, components) {
  const refs = [property.$ref, ...(property.allOf ?? []).map((part) => part.$ref)].filter(
    /** @returns {ref is string} */ (ref) => typeof ref === "string",
  );
  const merged = refs.map((ref) => components[ref.split("/").at(-1) ?? ""] ?? {});
  return Object.assign({}, ...merged, property);
}

/** @param {PropertySchema} property */
const typesOf = (property) =>
  Array.isArray(property.type) ? property.type : property.type ? [property.type] : [];

/**
 * @param {string} name
 * @param {PropertySchema} property
 * @param {boolean} required
 * @param {string} id
 * @returns {Field}
 */
function makeField(name, property, required, id) {
  const title = property.title ?? name;
  const hintId = `${id}-hint`;
  const hint = hintOf(property);
  const label = h(
    "label",
    { for: id },
    title,
    // The input says it is required (aria-required); the star is for the eye only.
    required ? h("span", { class: "required", "aria-hidden": "true" }, " *") : null,
  );
  const described = hint ? { "aria-describedby": hintId } : {};
  const hintElement = hint ? h("p", { class: "hint", id: hintId }, hint) : null;
  const types = typesOf(property);
  /** @type {Field} */
  let field;
  if (property.enum) field = enumField(name, property, required, id, described);
  else if (types.length === 1 && types[0] === "boolean") {
    const box = h("input", { id, type: "checkbox", ...described });
    const element = h("div", { class: "field toggle" }, box, label, hintElement);
    field = {
      name,
      element,
      read: () => (box.checked || property.default !== undefined ? box.checked : undefined),
      write: (value) => {
        box.checked = value === true;
      },
    };
    field.write(property.default);
    return field;
  } else if (types.length === 1 && (types[0] === "integer" || types[0] === "number"))
    field = numberField(name, title, property, required, id, described);
  else if (types.length === 1 && types[0] === "string" && property.format === "uri")
    field = fileField(name, title, required, id, described);
  else if (types.length === 1 && types[0] === "string") field = textField(name, required, id, described);
  else field = jsonField(name, title, types, required, id, described);
  field.element = h("div", { class: "field" }, label, field.element, hintElement);
  field.write(property.default);
  return field;
}

/** @param {PropertySchema} property */
function hintOf(property) {
  const { minimum: min, maximum: max } = property;
  const range =
    min !== undefined && max !== undefined
      ? `From ${min} to ${max}.`
      : min !== undefined
        ? `At least ${min}.`
        : max !== undefined
          ? `At most ${max}.`
          : "";
  const description = property.description?.trim() ?? "";
  const sentence = description && !/[.!?]$/.test(description) ? `${description}.` : description;
  return [sentence, range].filter(Boolean).join(" ");
}

/**
 * @param {string} name
 * @param {PropertySchema} property
 * @param {boolean} required
 * @param {string} id
 * @param {object} described
 * @returns {Field}
 */
function enumField(name, property, required, id, described) {
  const values = property.enum ?? [];
  const unset = !required && property.default === undefined;
  const select = h(
    "select",
    { id, "aria-required": required ? "true" : null, ...described },
    unset ? h("option", { value: "" }, "(not set)") : null,
    values.map((value, index) => h("option", { value: String(index) }, String(value))),
  );
  return {
    name,
    element: select,
    read: () => (select.value === "" ? undefined : values[Number(select.value)]),
    write: (value) => {
      const index = values.indexOf(value);
      select.value = index >= 0 ? String(index) : unset ? "" : "0";
    },
  };
}

/**
 * @param {string} name
 * @param {string} title
 * @param {PropertySchema} property
 * @param {boolean} required
 * @param {string} id
 * @param {object} described
 * @returns {Field}
 */
function numberField(name, title, property, required, id, described) {
  const integer = typesOf(property)[0] === "integer";
  const input = h("input", {
    id,
    type: "number",
    inputmode: integer ? "numeric" : "decimal",
    step: integer ? "1" : "any",
    min: property.minimum,
    max: property.maximum,
    "aria-required": required ? "true" : null,
    ...described,
  });
  return {
    name,
    element: input,
    read: () => {
      const text = input.value.trim();
      if (text === "") return undefined;
      const value = Number(text);
      if (!Number.isFinite(value) || (integer && !Number.isInteger(value)))
        throw new Error(`${title} must be ${integer ? "a whole number" : "a number"}`);
      return value;
    },
    write: (value) => {
      input.value = typeof value === "number" ? String(value) : "";
    },
  };
}

/**
 * @param {string} name
 * @param {boolean} required
 * @param {string} id
 * @param {object} described
 * @returns {Field}
 */
function textField(name, required, id, described) {
  const attributes = { id, "aria-required": required ? "true" : null, ...described };
  const input = /prompt/i.test(name)
    ? h("textarea", { ...attributes, rows: "3" })
    : h("input", { ...attributes, type: "text" });
  return {
    name,
    element: input,
    read: () => (input.value === "" ? undefined : input.value),
    write: (value) => {
      input.value = typeof value === "string" ? value : "";
    },
  };
}

/**
 * A URL field with a file picker beside it, which also takes a file dropped on it or pasted into
 * it; the file is uploaded and its URL filled in.
 * @param {string} name
 * @param {string} title
 * @param {boolean} required
 * @param {string} id
 * @param {object} described
 * @returns {Field}
 */
function fileField(name, title, required, id, described) {
  const url = h("input", {
    id,
    type: "url",
    spellcheck: "false",
    placeholder: "https://…, or drop, paste or pick a file",
    "aria-required": required ? "true" : null,
    ...described,
  });
  const picker = h("input", { id: `${id}-file`, type: "file", class: "visually-hidden" });
  const status = h("span", { class: "hint", role: "status" });
  const preview = h("img", { class: "preview", alt: `${title} preview`, hidden: true });
  /** @param {File} picked */
  const upload = async (picked) => {
    status.textContent = `Preparing ${picked.name}…`;
    try {
      const { file, note } = await compressForUpload(picked);
      status.textContent = `Uploading ${file.name}…`;
      const body = new FormData();
      body.append("content", file, file.name);
      const uploaded = await api("/v1/files", { method: "POST", body });
      url.value = uploaded.urls.get;
      url.dispatchEvent(new Event("input", { bubbles: true }));
      status.textContent = note ? `Uploaded ${file.name} (${note})` : `Uploaded ${file.name}`;
      preview.hidden = !IMAGE_TYPE.test(file.type);
      if (!preview.hidden) preview.src = URL.createObjectURL(file);
    } catch (error) {
      status.textContent = `Upload failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  picker.addEventListener("change", () => {
    const file = picker.files?.[0];
    if (file) void upload(file);
  });
  url.addEventListener("paste", (event) => {
    const file = event.clipboardData?.files[0];
    if (!file) return; // text is pasted as usual
    event.preventDefault();
    void upload(file);
  });
  const element = h(
    "div",
    { class: "file-field" },
    url,
    picker,
    h("label", { for: `${id}-file`, class: "button" }, `Upload a file for ${title}`),
    status,
    preview,
  );
  element.addEventListener("dragover", (event) => {
    if (!event.dataTransfer?.types.includes("Files")) return;
    event.preventDefault();
    element.classList.add("drop-target");
  });
  element.addEventListener("dragleave", () => element.classList.remove("drop-target"));
  element.addEventListener("drop", (event) => {
    element.classList.remove("drop-target");
    const file = event.dataTransfer?.files[0];
    if (!file) return;
    event.preventDefault();
    void upload(file);
  });
  return {
    name,
    element,
    read: () => (url.value.trim() === "" ? undefined : url.value.trim()),
    write: (value) => {
      url.value = typeof value === "string" ? value : "";
      preview.hidden = true;
      status.textContent = "";
    },
  };
}

/**
 * Arrays, objects and mixed types: JSON text (a plain string too, when the schema takes one).
 * @param {string} name
 * @param {string} title
 * @param {string[]} types
 * @param {boolean} required
 * @param {string} id
 * @param {object} described
 * @returns {Field}
 */
function jsonField(name, title, types, required, id, described) {
  const takesString = types.includes("string");
  const input = h("textarea", {
    id,
    rows: "2",
    spellcheck: "false",
    class: "code",
    "aria-required": required ? "true" : null,
    ...described,
  });
  return {
    name,
    element: input,
    read: () => {
      const text = input.value.trim();
      if (text === "") return undefined;
      try {
        return JSON.parse(text);
      } catch {
        if (takesString) return input.value;
        throw new Error(`${title} must be JSON`);
      }
    },
    write: (value) => {
      input.value =
        value === undefined ? "" : typeof value === "string" && takesString ? value : JSON.stringify(value);
    },
  };
}
