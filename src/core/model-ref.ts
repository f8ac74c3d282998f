import { GatewayError } from "./errors.ts";

export type ModelRef =
  | { kind: "model"; owner: string; name: string }
  | { kind: "version"; owner: string; name: string; version: string }
  | { kind: "bare-version"; version: string }
  /** A provider-side deployment (Replicate's `/deployments/{owner}/{name}`). */
  | { kind: "deployment"; owner: string; name: string };

const VERSION_ID = /^[a-f0-9]{64}$/;
const OWNER_NAME = /^([A-Za-z0-9][A-Za-z0-9_.-]*)\/([A-Za-z0-9][A-Za-z0-9_.-]*)(?::([A-Za-z0-9_.-]+))?$/;

/** Parses the forms Replicate accepts: `owner/name`, `owner/name:version`, a bare 64-hex version id. */
export function parseModelRef(ref: string, field = "version"): ModelRef {
  if (VERSION_ID.test(ref)) return { kind: "bare-version", version: ref };
  const match = OWNER_NAME.exec(ref);
  if (!match) {
    throw new GatewayError(
      "invalid_input",
      `${field} must be "owner/name", "owner/name:version" or a version id`,
      {
        invalidFields: [{ type: "format", field, description: `"${ref}" is not a model reference` }],
      },
    );
  }
  const [, owner = "", name = "", version] = match;
  return version ? { kind: "version", owner, name, version } : { kind: "model", owner, name };
}

export function formatModelRef(ref: ModelRef): string {
  if (ref.kind === "bare-version") return ref.version;
  if (ref.kind === "deployment") return `deployment ${ref.owner}/${ref.name}`;
  const base = `${ref.owner}/${ref.name}`;
  return ref.kind === "version" ? `${base}:${ref.version}` : base;
}
