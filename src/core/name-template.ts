/**
 * Batch output file names from a `name_template` such as `{index:4}_{slug}.{ext}`, or from an item's
 * own `output_path`.
 */
import { GatewayError, type InvalidField } from "./errors.ts";
import { renderOutputPath } from "./output-path.ts";

type Part =
  | { kind: "text"; text: string }
  | { kind: "index" | "output"; width: number }
  | { kind: "ext" | "slug" | "model" }
  | { kind: "field"; name: string };

export interface NameTemplate {
  readonly text: string;
  readonly parts: readonly Part[];
  /** The input fields the template names, each once. */
  readonly fields: readonly string[];
  readonly hasIndex: boolean;
  readonly hasOutput: boolean;
}

export interface NameItem {
  /** The item number, from 1. */
  index: number;
  model: string;
  input: Record<string, unknown>;
  /** Looked up for a `{field}` the input does not have. */
  metadata?: Record<string, unknown> | undefined;
  /** The item's own path, which the template does not name. */
  outputPath?: string | undefined;
}

export interface NameFile {
  /** The output number within the item, from 1. */
  output: number;
  ext: string;
  /** How many output files the item has. */
  outputs: number;
}

const MAX_BYTES = 200;
const SLUG_MAX = 48;
const IDENTIFIER = /^[A-Za-z0-9_-]+$/;
const HELP = "variables are {index}, {output}, {ext}, {slug}, {model} or an input field name";

function invalidTemplate(description: string): never {
  throw new GatewayError("invalid_input", `name_template: ${description}`, {
    invalidFields: [{ type: "format", field: "name_template", description }],
  });
}

function variableOf(body: string): Part {
  const colon = body.indexOf(":");
  const name = colon === -1 ? body : body.slice(0, colon);
  if (name === "") invalidTemplate(`{${body}} has no variable name; write {{ and }} for literal braces`);
  if (!IDENTIFIER.test(name)) invalidTemplate(`unknown variable {${body}}: ${HELP}`);
  const padded = name === "index" || name === "output";
  if (colon === -1) {
    if (padded) return { kind: name, width: 1 };
    if (name === "ext" || name === "slug" || name === "model") return { kind: name };
    return { kind: "field", name };
  }
  if (!padded) invalidTemplate(`{${name}} takes no width; only {index:N} and {output:N} do`);
  const width = body.slice(colon + 1);
  if (!/^\d+$/.test(width) || Number(width) < 1 || Number(width) > 9) {
    invalidTemplate(`bad width in {${body}}: use a number from 1 to 9, as in {${name}:4}`);
  }
  return { kind: name, width: Number(width) };
}

/** Parses a template; a bad one is a 422 on `name_template`. Literal braces are written `{{` and `}}`. */
export function parseNameTemplate(text: string): NameTemplate {
  if (text === "") invalidTemplate("must not be empty");
  if (text === "." || text === "..")
    invalidTemplate(`must not be "${text}": that names a folder, not a file`);
  if (/[/\\]/.test(text)) invalidTemplate("must not contain / or \\: names are flat");
  if (/\p{Cc}/u.test(text)) invalidTemplate("must not contain control characters");
  const parts: Part[] = [];
  let literal = "";
  let at = 0;
  while (at < text.length) {
    const char = text.charAt(at);
    const next = text.charAt(at + 1);
    if ((char === "{" || char === "}") && next === char) {
      literal += char;
      at += 2;
    } else if (char === "}") {
      invalidTemplate(`"}" at position ${at + 1} closes nothing; write }} for a literal brace`);
    } else if (char === "{") {
      const end = text.indexOf("}", at + 1);
      const body = text.slice(at + 1, end);
      if (end === -1 || body.includes("{")) {
        invalidTemplate(`"{" at position ${at + 1} is not closed; write {{ for a literal brace`);
      }
      if (literal !== "") parts.push({ kind: "text", text: literal });
      literal = "";
      parts.push(variableOf(body));
      at = end + 1;
    } else {
      literal += char;
      at += 1;
    }
  }
  if (literal !== "") parts.push({ kind: "text", text: literal });
  const fields = [...new Set(parts.flatMap((part) => (part.kind === "field" ? [part.name] : [])))];
  return {
    text,
    parts,
    fields,
    hasIndex: parts.some((part) => part.kind === "index"),
    hasOutput: parts.some((part) => part.kind === "output"),
  };
}

/**
 * Lower-case ASCII letters and digits joined by single `-`; at most 48 characters, cut at a `-` when
 * that keeps at least half of them.
 */
function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
  if (slug.length <= SLUG_MAX) return slug;
  const boundary = slug.lastIndexOf("-", SLUG_MAX);
  return slug.slice(0, boundary >= SLUG_MAX / 2 ? boundary : SLUG_MAX);
}

function scalarText(value: unknown): string | undefined {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return String(value);
  return undefined;
}

/** The value of `{name}`: the item's input field, else its metadata field. */
function fieldValue(item: NameItem, name: string): unknown {
  if (Object.hasOwn(item.input, name)) return item.input[name];
  return item.metadata && Object.hasOwn(item.metadata, name) ? item.metadata[name] : undefined;
}

/** Why `item` cannot fill `{name}`, as an invalid field under `path` (the path of its input). */
function fieldIssue(item: NameItem, name: string, path: string): InvalidField | undefined {
  const value = fieldValue(item, name);
  if (scalarText(value) !== undefined) return undefined;
  return value === undefined
    ? {
        type: "required",
        field: `${path}.${name}`,
        description: `${name} is required by name_template (in the input or the metadata)`,
      }
    : {
        type: "type",
        field: `${path}.${name}`,
        description: `${name} must be a string, number or boolean to be used in name_template`,
      };
}

function invalidItem(issue: InvalidField): never {
  throw new GatewayError("invalid_input", `${issue.field}: ${issue.description}`, { invalidFields: [issue] });
}

function renderPart(part: Part, item: NameItem, file: NameFile): string {
  switch (part.kind) {
    case "text":
      return part.text;
    case "index":
      return String(item.index).padStart(part.width, "0");
    case "output":
      return String(file.output).padStart(part.width, "0");
    case "ext":
      return file.ext;
    case "slug": {
      const prompt = item.input.prompt;
      return (typeof prompt === "string" && slugify(prompt)) || "untitled";
    }
    case "model":
      return slugify(item.model.slice(item.model.lastIndexOf("/") + 1).split(":")[0] ?? "");
    case "field": {
      const issue = fieldIssue(item, part.name, "input");
      if (issue) invalidItem(issue);
      return slugify(scalarText(fieldValue(item, part.name)) ?? "");
    }
  }
}

/** Where the extension starts: the part index of a literal `.` that directly precedes the last `{ext}`. */
function extensionStart(parts: readonly Part[]): number {
  const ext = parts.findLastIndex((part) => part.kind === "ext");
  const before = parts[ext - 1];
  return ext > 0 && before?.kind === "text" && before.text.endsWith(".") ? ext - 1 : -1;
}

function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let cut = "";
  let bytes = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > max) break;
    cut += char;
  }
  return cut;
}

/**
 * Renders one output file's name. The extension is the text from the `.` directly before the last
 * `{ext}` to the end (kept only if at most 100 bytes; else there is none). When the item has several
 * outputs and the template has no `{output}`, outputs 2.. get `_<n>` before the extension, or at the end
 * if there is none. A name that is empty or starts with `.` gets a leading `_`; a name over 200 bytes of
 * UTF-8 is cut before its suffix and extension. A missing or non-scalar `{field}` is a 422 on
 * `input.<field>`.
 */
export function renderName(template: NameTemplate, item: NameItem, file: NameFile): string {
  const rendered = template.parts.map((part) => renderPart(part, item, file));
  const start = extensionStart(template.parts);
  let head = rendered.join("");
  let extension = "";
  if (start !== -1) {
    const tail = `.${rendered.slice(start + 1).join("")}`;
    if (Buffer.byteLength(tail) <= MAX_BYTES / 2) [head, extension] = [head.slice(0, -tail.length), tail];
  }
  const suffix = file.outputs > 1 && file.output > 1 && !template.hasOutput ? `_${file.output}` : "";
  if (head === "" || head.startsWith(".")) head = `_${head}`;
  const kept = suffix + extension;
  return cutToBytes(head, MAX_BYTES - Buffer.byteLength(kept)) + kept;
}

/** The name of one output file of `item`: its own output path, else the template's name. */
export function fileName(template: NameTemplate, item: NameItem, file: NameFile): string {
  return item.outputPath === undefined
    ? renderName(template, item, file)
    : renderOutputPath(item.outputPath, file);
}

const PLACEHOLDER: NameFile = { ext: "{ext}", output: 1, outputs: 1 };

/** Names that differ only in case or Unicode form are the same file on macOS and Windows. */
const sameFileKey = (name: string) => name.normalize("NFC").toLowerCase();

/** Each folder a relative path goes through: `a/b/c.png` → `a`, `a/b`. */
function foldersOf(name: string): string[] {
  const parts = name.split("/").slice(0, -1);
  return parts.map((_, i) => parts.slice(0, i + 1).join("/"));
}

/** How `name` of item `index` clashes with the names before it (by key, see sameFileKey), if it does. */
function clashOf(
  name: string,
  index: number,
  files: ReadonlyMap<string, number>,
  folders: ReadonlyMap<string, number>,
): string | undefined {
  const earlier = files.get(sameFileKey(name));
  if (earlier !== undefined) return `items ${earlier} and ${index} would both be named "${name}"`;
  const folderOfEarlier = folders.get(sameFileKey(name));
  if (folderOfEarlier !== undefined)
    return `items ${folderOfEarlier} and ${index}: "${name}" would be both a folder and a file`;
  for (const folder of foldersOf(name)) {
    const file = files.get(sameFileKey(folder));
    if (file !== undefined)
      return `items ${file} and ${index}: "${folder}" would be both a file and a folder`;
  }
  return undefined;
}

/**
 * Checks a batch's items before anything runs: a field the template needs that an item named by it
 * lacks is a 422 on `items[<position>].input.<field>` (position in the array, from 0); two items that
 * would get the same name, or a name that another item needs as a folder, are a 422 on
 * `items[<position>].output_path` when the later item has its own path, else on `name_template`.
 */
export function checkItemNames(template: NameTemplate, items: readonly NameItem[]): void {
  const files = new Map<string, number>();
  const folders = new Map<string, number>();
  for (const [position, item] of items.entries()) {
    if (item.outputPath === undefined) {
      for (const field of template.fields) {
        const issue = fieldIssue(item, field, `items[${position}].input`);
        if (issue) invalidItem(issue);
      }
    }
    const name = fileName(template, item, PLACEHOLDER);
    const clash = clashOf(name, item.index, files, folders);
    if (clash !== undefined) {
      if (item.outputPath !== undefined) {
        const field = `items[${position}].output_path`;
        invalidItem({ type: "conflict", field, description: `${clash}; give each item its own path` });
      }
      const fix = template.hasIndex ? "names are cut to 200 bytes: put {index} earlier" : "add {index}";
      invalidTemplate(`${clash}; ${fix}`);
    }
    files.set(sameFileKey(name), item.index);
    for (const folder of foldersOf(name)) folders.set(sameFileKey(folder), item.index);
  }
}
