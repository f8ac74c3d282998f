/** Models, versions and deployments the fake knows: the built-in ones plus those created through the API. */
import { deploymentVersionId, randomVersionId } from "./ids.ts";

/** Image tools after real Replicate models: each makes its output from its input image. */
export const TOOL_BEHAVIOURS = [
  "upscale",
  "restore-face",
  "inpaint",
  "remove-background",
  "colorize",
] as const;
export type ToolBehaviour = (typeof TOOL_BEHAVIOURS)[number];

/** How a version behaves when it runs. */
export type Behaviour = "flux" | "sdxl" | "llm" | "embed" | ToolBehaviour;

export const isToolBehaviour = (behaviour: Behaviour): behaviour is ToolBehaviour =>
  (TOOL_BEHAVIOURS as readonly string[]).includes(behaviour);

/** `seq` is the creation order, for pagination. */
export interface VersionRecord {
  seq: number;
  id: string;
  /** "owner/name". */
  model: string;
  createdAt: number;
  openapiSchema: Record<string, unknown>;
  behaviour: Behaviour;
}

export interface ModelRecord {
  seq: number;
  owner: string;
  name: string;
  description: string | null;
  visibility: "public" | "private";
  hardware: string;
  isOfficial: boolean;
  createdAt: number;
  runCount: number;
  githubUrl: string | null;
  paperUrl: string | null;
  licenseUrl: string | null;
  coverImageUrl: string | null;
  /** Newest first. */
  versions: VersionRecord[];
}

export interface DeploymentRecord {
  seq: number;
  owner: string;
  name: string;
  model: string;
  version: string;
  /** What predictions made through the deployment show as their version. */
  predictionVersion: string;
  hardware: string;
  minInstances: number;
  maxInstances: number;
  createdAt: number;
}

export type NewModel = Pick<ModelRecord, "owner" | "name" | "visibility" | "hardware"> &
  Partial<Pick<ModelRecord, "description" | "githubUrl" | "paperUrl" | "licenseUrl" | "coverImageUrl">> & {
    isOfficial?: boolean;
  };

export class Catalog {
  readonly #models = new Map<string, ModelRecord>();
  readonly #versions = new Map<string, VersionRecord>();
  readonly #deployments = new Map<string, DeploymentRecord>();
  #seq = 0;

  model(fullName: string): ModelRecord | undefined {
    return this.#models.get(fullName);
  }

  /** Newest first. */
  models(): ModelRecord[] {
    return [...this.#models.values()].reverse();
  }

  version(id: string): VersionRecord | undefined {
    return this.#versions.get(id);
  }

  createModel(model: NewModel): ModelRecord {
    const record: ModelRecord = {
      description: null,
      githubUrl: null,
      paperUrl: null,
      licenseUrl: null,
      coverImageUrl: null,
      isOfficial: false,
      ...model,
      seq: this.#seq++,
      createdAt: Date.now(),
      runCount: 0,
      versions: [],
    };
    this.#models.set(`${model.owner}/${model.name}`, record);
    return record;
  }

  addVersion(
    model: ModelRecord,
    openapiSchema: Record<string, unknown>,
    behaviour: Behaviour,
    id = randomVersionId(),
  ): VersionRecord {
    const version: VersionRecord = {
      seq: this.#seq++,
      id,
      model: `${model.owner}/${model.name}`,
      createdAt: Date.now(),
      openapiSchema,
      behaviour,
    };
    model.versions.unshift(version);
    this.#versions.set(id, version);
    return version;
  }

  deployment(fullName: string): DeploymentRecord | undefined {
    return this.#deployments.get(fullName);
  }

  deployments(): DeploymentRecord[] {
    return [...this.#deployments.values()].reverse();
  }

  createDeployment(
    deployment: Omit<DeploymentRecord, "seq" | "predictionVersion" | "createdAt">,
  ): DeploymentRecord {
    const record = {
      ...deployment,
      seq: this.#seq++,
      predictionVersion: deploymentVersionId(),
      createdAt: Date.now(),
    };
    this.#deployments.set(`${deployment.owner}/${deployment.name}`, record);
    return record;
  }
}
