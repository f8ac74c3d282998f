/**
 * Where a prediction is created, carried in the descriptor's `providerModel`:
 * `model:owner/name` (official models), `version:owner/name:id` or `version:id` (a pinned version),
 * `deployment:owner/name`.
 */
import { GatewayError } from "../../core/errors.ts";

export type Target =
  | { kind: "model"; owner: string; name: string }
  | { kind: "version"; owner?: string; name?: string; version: string }
  | { kind: "deployment"; owner: string; name: string };

export function encodeTarget(target: Target): string {
  if (target.kind !== "version") return `${target.kind}:${target.owner}/${target.name}`;
  return target.owner && target.name
    ? `version:${target.owner}/${target.name}:${target.version}`
    : `version:${target.version}`;
}

const FORMS = /^(model|deployment):([^/:]+)\/([^/:]+)$|^version:(?:([^/:]+)\/([^/:]+):)?([^/:]+)$/;

export function parseTarget(providerModel: string): Target {
  const match = FORMS.exec(providerModel);
  if (!match)
    throw new GatewayError("internal", `not a Replicate model: ${providerModel}`, { retryable: false });
  const [, kind, owner = "", name = "", versionOwner, versionName, version = ""] = match;
  if (kind === "model" || kind === "deployment") return { kind, owner, name };
  return versionOwner && versionName
    ? { kind: "version", owner: versionOwner, name: versionName, version }
    : { kind: "version", version };
}

/** The create call for a target: path, and the `version` field for pinned versions. */
export function createCall(target: Target): { path: string; version?: string } {
  switch (target.kind) {
    case "model":
      return { path: `/models/${target.owner}/${target.name}/predictions` };
    case "deployment":
      return { path: `/deployments/${target.owner}/${target.name}/predictions` };
    case "version":
      return { path: "/predictions", version: target.version };
  }
}
