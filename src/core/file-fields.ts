/** Which fields of a model's input hold files: Cog marks them `format: "uri"` (or arrays of those). */

/** The file fields, or "any" when the schema names no properties (every URL-like string may be one). */
export type FileFields = Set<string> | "any";

const asSchema = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};

export function fileFieldsOf(inputSchema: Record<string, unknown>): FileFields {
  const properties = inputSchema.properties;
  if (typeof properties !== "object" || properties === null) return "any";
  const fields = new Set<string>();
  for (const [name, value] of Object.entries(properties)) {
    const schema = asSchema(value);
    if (schema.format === "uri" || asSchema(schema.items).format === "uri") fields.add(name);
  }
  return fields;
}
