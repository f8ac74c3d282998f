/** Looks models up on Replicate and keeps their descriptors (schemas) for a while. */
import { GatewayError } from "../../core/errors.ts";
import type { ModelRef } from "../../core/model-ref.ts";
import type { ModelDescriptor } from "../provider.ts";
import { describeModel } from "./descriptor.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { deploymentSchema, modelSchema, parseBody, versionSchema } from "./schemas.ts";
import { encodeTarget, type Target } from "./target.ts";

const TTL_MS = 10 * 60_000;

interface Entry {
  expiresAt: number;
  descriptor: Promise<ModelDescriptor | null>;
}

export class ModelCatalog {
  readonly #http: ReplicateHttp;
  readonly #entries = new Map<string, Entry>();
  /** Descriptors by upstream version id, so a bare version id seen before gets its schema. */
  readonly #byVersion = new Map<string, ModelDescriptor>();

  constructor(http: ReplicateHttp) {
    this.#http = http;
  }

  get(ref: ModelRef): Promise<ModelDescriptor | null> {
    const key = JSON.stringify(ref);
    const now = Date.now();
    const cached = this.#entries.get(key);
    if (cached && cached.expiresAt > now) return cached.descriptor;
    const descriptor = this.#lookup(ref);
    this.#entries.set(key, { expiresAt: now + TTL_MS, descriptor });
    // Only answers are kept: a miss or a failure is asked again next time.
    descriptor.then(
      (found) => {
        if (!found) this.#entries.delete(key);
      },
      () => this.#entries.delete(key),
    );
    return descriptor;
  }

  /** The descriptor a create for `target` was made from (after a restart, looked up again). */
  forTarget(target: Target): Promise<ModelDescriptor | null> {
    if (target.kind !== "version") return this.get(target);
    const { owner, name, version } = target;
    return this.get(
      owner && name ? { kind: "version", owner, name, version } : { kind: "bare-version", version },
    );
  }

  async #lookup(ref: ModelRef): Promise<ModelDescriptor | null> {
    switch (ref.kind) {
      case "model":
        return this.#model(ref.owner, ref.name);
      case "version":
        return this.#version(ref.owner, ref.name, ref.version, ref);
      case "deployment":
        return this.#deployment(ref.owner, ref.name);
      case "bare-version":
        // Replicate has no lookup by version id alone: accept any input and let the create judge it.
        return (
          this.#byVersion.get(ref.version) ??
          describeModel({
            owner: "unknown",
            name: ref.version,
            version: { id: ref.version, openapi_schema: null },
            providerModel: encodeTarget({ kind: "version", version: ref.version }),
          })
        );
    }
  }

  async #model(owner: string, name: string): Promise<ModelDescriptor | null> {
    const body = await this.#getOrNull(`/models/${owner}/${name}`, `looking up model ${owner}/${name}`);
    if (body === null) return null;
    const model = parseBody(modelSchema, body, "models.get");
    const versionId = model.latest_version?.id;
    // Official models run by name; others are pinned to their latest version.
    const pinnable = !model.is_official && versionId !== undefined && versionId !== "hidden";
    const target: Target = pinnable
      ? { kind: "version", owner, name, version: versionId }
      : { kind: "model", owner, name };
    return this.#remember(
      describeModel({
        owner,
        name,
        description: model.description,
        version: model.latest_version,
        providerModel: encodeTarget(target),
      }),
      versionId,
    );
  }

  async #version(owner: string, name: string, id: string, target: Target): Promise<ModelDescriptor | null> {
    const what = `looking up version ${owner}/${name}:${id}`;
    const body = await this.#getOrNull(`/models/${owner}/${name}/versions/${id}`, what);
    if (body === null) return null;
    const version = parseBody(versionSchema, body, "models.versions.get");
    return this.#remember(describeModel({ owner, name, version, providerModel: encodeTarget(target) }), id);
  }

  async #deployment(owner: string, name: string): Promise<ModelDescriptor | null> {
    const body = await this.#getOrNull(
      `/deployments/${owner}/${name}`,
      `looking up deployment ${owner}/${name}`,
    );
    if (body === null) return null;
    const { current_release: release } = parseBody(deploymentSchema, body, "deployments.get");
    const [modelOwner = "", modelName = ""] = release.model.split("/");
    return this.#version(modelOwner, modelName, release.version, { kind: "deployment", owner, name });
  }

  async #getOrNull(path: string, what: string): Promise<unknown> {
    try {
      return (await this.#http.request(path, { what })).body;
    } catch (error) {
      if (error instanceof GatewayError && error.code === "not_found") return null;
      throw error;
    }
  }

  #remember(descriptor: ModelDescriptor, versionId: string | undefined): ModelDescriptor {
    if (versionId && descriptor.providerModel.startsWith("version:"))
      this.#byVersion.set(versionId, descriptor);
    return descriptor;
  }
}
