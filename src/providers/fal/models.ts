/** The configured fal apps as gengate models `fal/<name>`, described the way Cog describes a version. */
import type { JsonSchema, ModelDescriptor } from "../provider.ts";
import { versionIdOf } from "../toolkit/version-id.ts";
import type { FalApp } from "./config.ts";
import { FAL_INPUT_SCHEMA, MAX_OUTPUTS, OUTPUT_FORMATS } from "./parameters.ts";

export const FAL_OWNER = "fal";
const VERSION_CREATED_AT = "2025-01-01T00:00:00.000Z";
const OUTPUT_SCHEMA: JsonSchema = {
  type: "array",
  items: { type: "string", format: "uri" },
  title: "Output",
};

export function describeApp({ name, app, description }: FalApp): ModelDescriptor {
  const versionId = versionIdOf([name, app, FAL_INPUT_SCHEMA, OUTPUT_SCHEMA]);
  return {
    owner: FAL_OWNER,
    name,
    description: description ?? `fal app ${app}`,
    versionId,
    versionCreatedAt: VERSION_CREATED_AT,
    inputSchema: FAL_INPUT_SCHEMA,
    outputSchema: OUTPUT_SCHEMA,
    capabilities: { maxOutputs: MAX_OUTPUTS, formats: [...OUTPUT_FORMATS] },
    providerModel: app,
  };
}
