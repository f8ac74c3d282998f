/** Models, versions and aliases in Replicate's shapes (reference/replicate.md §2.2). */
import { createHash } from "node:crypto";
import { aliasInputSchema } from "../catalog/alias-schema.ts";
import { ALIAS_OWNER, type CatalogEntry } from "../catalog/catalog.ts";
import type { CreatedModel } from "../core/created-model.ts";
import type { ModelDescriptor } from "../providers/provider.ts";

const COG_VERSION = "0.16.0";

export function versionJson(model: ModelDescriptor) {
  return {
    id: model.versionId,
    created_at: model.versionCreatedAt,
    cog_version: COG_VERSION,
    openapi_schema: {
      openapi: "3.0.2",
      info: { title: "Cog", version: "0.1.0" },
      paths: {},
      components: {
        schemas: {
          Input: model.inputSchema,
          Output: model.outputSchema,
          ...(model.trainingInputSchema && { TrainingInput: model.trainingInputSchema }),
        },
      },
    },
  };
}

/** Replicate's model fields that gengate has no values for. */
const NO_DETAILS = {
  visibility: "public",
  github_url: null,
  paper_url: null,
  license_url: null,
  run_count: 0,
  cover_image_url: null,
  default_example: null,
  is_official: false,
} as const;

/** What every model shows first: where it is, whose, and the details gengate has no values for. */
function modelHead(model: { owner: string; name: string; description: string | null }, base: string) {
  return {
    url: `${base}/v1/models/${model.owner}/${model.name}`,
    owner: model.owner,
    name: model.name,
    description: model.description,
    ...NO_DETAILS,
  };
}

export function modelJson(model: ModelDescriptor, base: string) {
  return {
    ...modelHead(model, base),
    created_at: model.versionCreatedAt,
    latest_version: versionJson(model),
  };
}

/**
 * What an alias takes, as a version: its first target's schema under the alias's names. The id is
 * the alias's own, so a client that runs "this version" reaches no other model than the alias.
 */
function aliasVersionJson(entry: CatalogEntry, first: ModelDescriptor) {
  const target = entry.targets[0];
  const inputSchema = target ? aliasInputSchema(target, first.inputSchema) : first.inputSchema;
  const id = createHash("sha256")
    .update(`${ALIAS_OWNER}/${entry.name}\n${target?.provider}/${first.versionId}`)
    .digest("hex");
  return versionJson({ ...first, versionId: id, inputSchema });
}

/**
 * A catalog alias in the shape of a model; its targets and rules in the `gengate` extension.
 * `first`, its first target's model when known, gives it a version (the list leaves it out, so
 * listing asks no provider).
 */
export function aliasJson(entry: CatalogEntry, base: string, first: ModelDescriptor | null = null) {
  return {
    ...modelHead({ owner: ALIAS_OWNER, name: entry.name, description: entry.description }, base),
    latest_version: first ? aliasVersionJson(entry, first) : null,
    gengate: {
      builtin: entry.builtin,
      strategy: entry.strategy,
      on_unsupported: entry.onUnsupported,
      fallback: entry.fallback ?? null,
      targets: entry.targets,
    },
  };
}

/** A model made through POST /v1/models that has no version yet (or whose provider does not say). */
export function createdModelJson(model: CreatedModel, base: string) {
  return {
    ...modelHead(model, base),
    ...model.links,
    visibility: model.visibility,
    created_at: new Date(model.createdAt).toISOString(),
    latest_version: null,
  };
}
