/**
 * Test helper: OpenAI's published OpenAPI document (`openai-openapi.json` beside this file; its
 * source, commit and licence are in README.md), read as data.
 */
import { readFileSync } from "node:fs";

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
