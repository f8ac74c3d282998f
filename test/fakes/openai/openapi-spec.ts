/**
 * Test helper: OpenAI's published OpenAPI document (`openai-openapi.json` beside this file; its
 * source, commit and licence are in README.md), read as data: the request schemas' properties,
 * and a check of gengate's answers against the response schemas.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";

type Schema = { $ref?: string; allOf?: Schema[]; properties?: Record<string, unknown> };

const document = JSON.parse(readFileSync(new URL("./openai-openapi.json", import.meta.url), "utf8")) as {
  components: { schemas: Record<string, Schema> };
};

function named(name: string): Schema {
  const schema = document.components.schemas[name];
  if (!schema) throw new Error(`no schema ${name} in OpenAI's OpenAPI document`);
  return schema;
}

/** Every property a request schema has, its own and those of the `allOf` parts it inherits. */
export function requestProperties(schemaName: string): string[] {
  const names = new Set<string>();
  const walk = (schema: Schema) => {
    if (schema.$ref) walk(named(schema.$ref.replace("#/components/schemas/", "")));
    for (const part of schema.allOf ?? []) walk(part);
    for (const name of Object.keys(schema.properties ?? {})) names.add(name);
  };
  walk(named(schemaName));
  return [...names].sort();
}

let validators: Ajv2020 | undefined;

/**
 * What in `value` does not fit the document's schema `schemaName` (an answer gengate sends): one
 * line per mismatch, empty when it fits.
 */
export function shapeErrors(schemaName: string, value: unknown): string[] {
  named(schemaName);
  if (!validators) {
    // The document's formats (`unixtime`, `float`) and vendor keywords describe, they do not constrain.
    validators = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    validators.addSchema(withTypelessNullables(document) as object, "openai");
  }
  const validate = validators.getSchema(`openai#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`cannot compile ${schemaName}`);
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || "/"} ${error.message} ${JSON.stringify(error.params)}`,
  );
}

/** The schema of a streamed Responses event of `type` (`response.output_text.delta`…), by name. */
export function responseEventSchema(type: string): string {
  const union = named("ResponseStreamEvent") as { anyOf?: Schema[] };
  for (const { $ref } of union.anyOf ?? []) {
    const name = $ref?.replace("#/components/schemas/", "") ?? "";
    const typeProperty = named(name).properties?.type as { enum?: string[] } | undefined;
    if (typeProperty?.enum?.includes(type)) return name;
  }
  throw new Error(`no streamed event of type ${type} in OpenAI's OpenAPI document`);
}

/**
 * OpenAPI 3.0's `nullable: true` as the JSON Schema it means (the schema, or null) where ajv reads
 * it otherwise: beside no `type` (refused), beside an `enum` without null (a streamed chunk's
 * `finish_reason` would refuse its null).
 */
function withTypelessNullables(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withTypelessNullables);
  if (typeof value !== "object" || value === null) return value;
  const { nullable, ...rest } = value as Record<string, unknown>;
  const inner = Object.fromEntries(
    Object.entries(rest).map(([key, each]) => [key, withTypelessNullables(each)]),
  );
  if (nullable === true && Array.isArray(inner.enum) && !inner.enum.includes(null))
    return { ...inner, nullable, enum: [...inner.enum, null] };
  if (nullable !== true || "type" in rest) return nullable === undefined ? inner : { ...inner, nullable };
  return { anyOf: [inner, { type: "null" }] };
}
