/** Looks models up on Replicate and keeps their descriptors (schemas) for a while. */
import { GatewayError } from "../../core/errors.ts";
import type { ModelRef } from "../../core/model-ref.ts";
import type { JsonSchema, ModelDescriptor } from "../provider.ts";
import { describeModel, trainingInputOf } from "./descriptor.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { deploymentSchema, modelSchema, parseBody, versionSchema } from "./schemas.ts";
import { encodeTarget, type Target } from "./target.ts";

const TTL_MS = 10 * 60_000;

interface Entry<T> {
  expiresAt: number;
  descriptor: Promise<T | null>;
}

/** A trainer (reference/replicate.md §12): the version trainings are created from, and its input. */
export interface Trainer {
  owner: string;
  name: string;
  versionId: string;
  /** `openapi_schema.components.schemas.TrainingInput`, with `$ref`s inlined. */
  trainingInput: JsonSchema;
}

/** A trainer by name (its latest version) or pinned to a version. */
export interface TrainerRef {
  owner: string;
  name: string;
  version?: string | undefined;
}

export class ModelCatalog {
  readonly #http: ReplicateHttp;
  readonly #entries = new Map<string, Entry<ModelDescriptor>>();
  readonly #trainers = new Map<string, Entry<Trainer>>();
  /** Descriptors by upstream version id, so a bare version id seen before gets its schema. */
  readonly #byVersion = new Map<string, ModelDescriptor>();

  constructor(http: ReplicateHttp) {
    this.#http = http;
  }

  get(ref: ModelRef): Promise<ModelDescriptor | null> {
    return cached(this.#entries, JSON.stringify(ref), () => this.#lookup(ref));
  }

  /**
   * A trainer's version and training input; null when the model or version does not exist, a
   * `bad_request` when it cannot train.
   */
  trainer(ref: TrainerRef): Promise<Trainer | null> {
    const key = JSON.stringify([ref.owner, ref.name, ref.version ?? null]);
    return cached(this.#trainers, key, () => this.#trainer(ref));
  }

  /**
   * Drops what is known of model `owner/name` (not of its pinned versions, which never change): it
   * was just created, or a training gave it a new latest version.
   */
  forget(owner: string, name: string): void {
    for (const key of this.#entries.keys()) {
      const ref = JSON.parse(key) as Partial<Extract<ModelRef, { kind: "model" }>>;
      if (ref.kind === "model" && ref.owner === owner && ref.name === name) this.#entries.delete(key);
    }
    this.#trainers.delete(JSON.stringify([owner, name, null]));
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

  async #trainer({ owner, name, version }: TrainerRef): Promise<Trainer | null> {
    let body: unknown;
    if (version) {
      const what = `looking up trainer ${owner}/${name}:${version}`;
      body = await this.#getOrNull(`/models/${owner}/${name}/versions/${version}`, what);
      if (body === null) return null;
    } else {
      body = await this.#getOrNull(`/models/${owner}/${name}`, `looking up trainer ${owner}/${name}`);
      if (body === null) return null;
      body = parseBody(modelSchema, body, "models.get").latest_version ?? null;
    }
    const found = body === null ? null : parseBody(versionSchema, body, "models.versions.get");
    const trainingInput = trainingInputOf(found);
    if (!found || found.id === "hidden" || !trainingInput) {
      throw new GatewayError("bad_request", `Replicate's ${owner}/${name} cannot train models`, {
        retryable: false,
      });
    }
    return { owner, name, versionId: found.id, trainingInput };
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

/** A lookup kept for a while; only answers are kept: a miss or a failure is asked again next time. */
function cached<T>(entries: Map<string, Entry<T>>, key: string, lookup: () => Promise<T | null>) {
  const now = Date.now();
  const entry = entries.get(key);
  if (entry && entry.expiresAt > now) return entry.descriptor;
  const descriptor = lookup();
  entries.set(key, { expiresAt: now + TTL_MS, descriptor });
  descriptor.then(
    (found) => {
      if (!found && entries.get(key)?.descriptor === descriptor) entries.delete(key);
    },
    () => {
      if (entries.get(key)?.descriptor === descriptor) entries.delete(key);
    },
  );
  return descriptor;
}
