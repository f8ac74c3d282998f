/**
 * The input schema an alias shows: its first target's (the one that serves a request when all is
 * well), under the names the alias takes. A property the target's `params` renames appears under
 * gengate's name (`num_inference_steps` as `steps`); one the alias always sends, or one a client
 * could not send under any name, is left out. Other targets may take more or less: the router
 * adapts the request to each (adapt-input.ts).
 */
import type { JsonSchema } from "../providers/provider.ts";
import type { TargetConfig } from "./catalog-config.ts";

type Target = Pick<TargetConfig, "params" | "input">;

/** The name a client gives the alias for the target's property `own`; undefined when none reaches it. */
function nameFor(target: Target, own: string): string | undefined {
  const { params } = target;
  // gengate's names first: every target of the alias (and of its fallbacks) takes those.
  const renamedTo = Object.keys(params).filter((name) => params[name] === own);
  if (renamedTo.includes(own)) return own;
  if (renamedTo.length > 0) return renamedTo[0];
  // Otherwise under its own name, unless `params` sends that name elsewhere (or nowhere).
  return own in params ? undefined : own;
}

export function aliasInputSchema(target: Target, schema: JsonSchema): JsonSchema {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const shown: Record<string, JsonSchema> = {};
  const shownRequired: string[] = [];
  for (const [own, property] of Object.entries(properties)) {
    if (own in target.input) continue;
    const name = nameFor(target, own);
    if (name === undefined || name in shown) continue;
    shown[name] = name === own ? property : { ...property, title: titleOf(name) };
    if (required.has(own)) shownRequired.push(name);
  }
  const shownSchema: JsonSchema = { ...schema, properties: shown, required: shownRequired };
  if (shownRequired.length === 0) delete shownSchema.required;
  return shownSchema;
}

/** Cog's title for a property name: `reference_image` → `Reference Image`. */
const titleOf = (name: string) =>
  name
    .split("_")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
