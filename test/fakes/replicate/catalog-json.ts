/** Models, versions and deployments as the API shows them (reference/replicate.md §2.2, §2.5). */
import { ACCOUNT } from "./builtin-models.ts";
import type { DeploymentRecord, ModelRecord, VersionRecord } from "./catalog.ts";
import { isoTime } from "./ids.ts";

export function versionJson(version: VersionRecord): Record<string, unknown> {
  return {
    id: version.id,
    created_at: isoTime(version.createdAt),
    cog_version: "0.16.0",
    openapi_schema: version.openapiSchema,
  };
}

export function modelJson(model: ModelRecord): Record<string, unknown> {
  const latest = model.versions[0];
  return {
    url: `https://replicate.com/${model.owner}/${model.name}`,
    owner: model.owner,
    name: model.name,
    description: model.description,
    visibility: model.visibility,
    github_url: model.githubUrl,
    paper_url: model.paperUrl,
    license_url: model.licenseUrl,
    run_count: model.runCount,
    cover_image_url: model.coverImageUrl,
    default_example: null,
    latest_version: latest ? versionJson(latest) : null,
    is_official: model.isOfficial,
    created_at: isoTime(model.createdAt),
  };
}

export function deploymentJson(deployment: DeploymentRecord): Record<string, unknown> {
  return {
    owner: deployment.owner,
    name: deployment.name,
    current_release: {
      number: 1,
      model: deployment.model,
      version: deployment.version,
      created_at: isoTime(deployment.createdAt),
      created_by: { ...ACCOUNT, github_url: `https://github.com/${ACCOUNT.username}` },
      configuration: {
        hardware: deployment.hardware,
        min_instances: deployment.minInstances,
        max_instances: deployment.maxInstances,
      },
    },
  };
}
