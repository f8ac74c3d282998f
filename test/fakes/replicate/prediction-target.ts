/** What a create request runs: from a version reference, an official model, or a deployment. */
import type { Catalog, ModelRecord, VersionRecord } from "./catalog.ts";
import { validationProblem } from "./input-validation.ts";
import { ApiProblem, notFound } from "./problem.ts";

export interface Target {
  model: ModelRecord;
  version: VersionRecord;
  /** What the prediction shows as its version. */
  shownVersion: string;
  deployment: string | null;
}

const invalidVersion = () =>
  new ApiProblem(422, {
    title: "Invalid version or not permitted",
    detail: "The specified version does not exist (or perhaps you don't have permission to use it?)",
  });

function officialTarget(model: ModelRecord | undefined): Target | undefined {
  const latest = model?.versions[0];
  return model?.isOfficial && latest
    ? { model, version: latest, shownVersion: "hidden", deployment: null }
    : undefined;
}

/** `POST /v1/predictions`: "owner/name" (official models), "owner/name:id" or a bare id. */
export function versionTarget(catalog: Catalog, reference: unknown): Target {
  if (typeof reference !== "string" || reference === "") {
    throw validationProblem([{ type: "required", field: "version", description: "version is required" }]);
  }
  const named = /^([^/:]+\/[^/:]+)(?::(.+))?$/.exec(reference);
  if (named && named[2] === undefined) {
    const target = officialTarget(catalog.model(named[1] ?? ""));
    if (!target) throw invalidVersion();
    return target;
  }
  const version = catalog.version(named ? (named[2] ?? "") : reference);
  const model = version && catalog.model(version.model);
  if (!version || !model || (named && named[1] !== version.model)) throw invalidVersion();
  return { model, version, shownVersion: model.isOfficial ? "hidden" : version.id, deployment: null };
}

/** `POST /v1/models/{owner}/{name}/predictions`: official models only. */
export function modelTarget(catalog: Catalog, fullName: string): Target {
  const model = catalog.model(fullName);
  if (!model) throw notFound("model");
  const target = officialTarget(model);
  if (!target) {
    throw new ApiProblem(404, {
      title: "Not found",
      detail: `${fullName} is not an official model: run it with POST /v1/predictions and a version`,
    });
  }
  return target;
}

export function deploymentTarget(catalog: Catalog, fullName: string): Target {
  const deployment = catalog.deployment(fullName);
  const version = deployment && catalog.version(deployment.version);
  const model = version && catalog.model(version.model);
  if (!deployment || !version || !model) throw notFound("deployment");
  return { model, version, shownVersion: deployment.predictionVersion, deployment: fullName };
}
