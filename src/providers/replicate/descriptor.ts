/** Model descriptors from Cog's OpenAPI document of a version (reference/replicate.md §2.2). */
import { createHash } from "node:crypto";
import type { JsonSchema, ModelCapabilities, ModelDescriptor } from "../provider.ts";
import type { UpstreamVersion } from "./schemas.ts";

const VERSION_ID = /^[a-f0-9]{64}$/;
const UNKNOWN_DATE = new Date(0).toISOString();
const REF_PREFIX = "#/components/schemas/";

/** Inlines `$ref`s to `#/components/schemas/*` so the schema stands alone (Cog puts enums there). */
export function dereference(
  schema: unknown,
  components: Record<string, unknown>,
  seen: string[] = [],
): unknown {
  if (Array.isArray(schema)) return schema.map((item) => dereference(item, components, seen));
  if (typeof schema !== "object" || schema === null) return schema;
  const { $ref, ...rest } = schema as Record<string, unknown>;
  if (typeof $ref === "string" && $ref.startsWith(REF_PREFIX)) {
    const name = $ref.slice(REF_PREFIX.length);
    if (seen.includes(name) || !(name in components)) return {};
    const target = dereference(components[name], components, [...seen, name]) as Record<string, unknown>;
    return { ...target, ...(dereference(rest, components, seen) as Record<string, unknown>) };
  }
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [key, dereference(value, components, seen)]),
  );
}

const asSchema = (value: unknown): JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonSchema) : {};

export function schemasOf(version: UpstreamVersion | null | undefined): {
  input: JsonSchema;
  output: JsonSchema;
} {
  const components = version?.openapi_schema?.components?.schemas ?? {};
  const input = asSchema(dereference(components.Input, components));
  return {
    input: Object.keys(input).length > 0 ? input : { type: "object" },
    output: asSchema(dereference(components.Output, components)),
  };
}

/** A trainable version's `TrainingInput` schema, standing alone; null when the version cannot train. */
export function trainingInputOf(version: UpstreamVersion | null | undefined): JsonSchema | null {
  const components = version?.openapi_schema?.components?.schemas ?? {};
  if (!("TrainingInput" in components)) return null;
  return asSchema(dereference(components.TrainingInput, components));
}

export function isTextIterator(output: JsonSchema): boolean {
  const items = asSchema(output.items);
  return output.type === "array" && items.type === "string" && output["x-cog-array-type"] === "iterator";
}

function capabilitiesOf(input: JsonSchema, output: JsonSchema): ModelCapabilities {
  const properties = asSchema(input.properties);
  const isFile = (name: string) => asSchema(properties[name]).format === "uri";
  const capabilities: ModelCapabilities = {};
  if (isTextIterator(output)) capabilities.streaming = true;
  if (["image", "input_image", "image_prompt"].some(isFile)) capabilities.referenceImage = true;
  if (isFile("mask")) capabilities.mask = true;
  const maxOutputs = asSchema(properties.num_outputs).maximum;
  if (typeof maxOutputs === "number") capabilities.maxOutputs = maxOutputs;
  const formats = asSchema(properties.output_format).enum;
  if (Array.isArray(formats)) capabilities.formats = formats.map(String);
  return capabilities;
}

/**
 * gengate keys compiled input validators on `versionId`, so models without a usable version id
 * (official models: "hidden") get a stable 64-hex id derived from their name and input schema.
 */
export function versionIdOf(model: string, versionId: string | undefined, input: JsonSchema): string {
  if (versionId && VERSION_ID.test(versionId)) return versionId;
  return createHash("sha256")
    .update(`${model}:${versionId ?? ""}:${JSON.stringify(input)}`)
    .digest("hex");
}

export interface DescribeArgs {
  owner: string;
  name: string;
  description?: string | null | undefined;
  version: UpstreamVersion | null | undefined;
  providerModel: string;
}

export function describeModel(args: DescribeArgs): ModelDescriptor {
  const { input, output } = schemasOf(args.version);
  return {
    owner: args.owner,
    name: args.name,
    description: args.description ?? "",
    versionId: versionIdOf(`${args.owner}/${args.name}`, args.version?.id, input),
    versionCreatedAt: args.version?.created_at ?? UNKNOWN_DATE,
    inputSchema: input,
    outputSchema: output,
    capabilities: capabilitiesOf(input, output),
    providerModel: args.providerModel,
  };
}
