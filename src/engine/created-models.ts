/**
 * Models made through `POST /v1/models`, as training destinations. Each owner a caller may create
 * models as belongs to a provider that trains: a platform's account (Replicate's, where the model
 * is made too) or the owner of the models a provider without a platform trains into (the
 * simulator's `sim-lora`), which gengate alone keeps. Either way gengate records which token made
 * the model: only that token, or an admin, trains into it and reads it.
 */
import type { CreatedModel, CreatedModelLinks } from "../core/created-model.ts";
import { GatewayError } from "../core/errors.ts";
import type { NewPlatformModel, ProviderPlatform } from "../providers/platform.ts";
import type { Provider } from "../providers/provider.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { Store } from "../store/index.ts";
import type { ModelCaller } from "./trained-model-owners.ts";

/** An owner models can be created as, and the provider whose trainings push to them. */
export interface ModelOwner {
  owner: string;
  provider: Provider;
  /** The provider's platform, where the model is made too; absent for models gengate alone keeps. */
  platform?: ProviderPlatform;
}

/** The hardware of models gengate keeps itself: they run on gengate's own machine. */
export const LOCAL_HARDWARE = "cpu";

export interface NewModelRequest extends NewPlatformModel {
  caller: ModelCaller;
}

const destinationError = (code: "forbidden" | "not_found", description: string): GatewayError =>
  new GatewayError(code, `destination: ${description}`, {
    retryable: false,
    invalidFields: [{ type: code, field: "destination", description }],
  });

export class CreatedModels {
  readonly #store: Store;
  readonly #providers: ProviderRegistry;

  constructor(store: Store, providers: ProviderRegistry) {
    this.#store = store;
    this.#providers = providers;
  }

  /** The first provider with a platform (Replicate), whose endpoints gengate passes through. */
  platform(): ProviderPlatform | null {
    return this.#providers.all().find((provider) => provider.platform)?.platform ?? null;
  }

  /** The owner `provider`'s trainings push to, or null when it has none gengate knows. */
  async ownerOf(provider: Provider): Promise<ModelOwner | null> {
    if (!provider.training) return null;
    if (provider.training.modelOwner) return { owner: provider.training.modelOwner, provider };
    if (!provider.platform) return null;
    return { owner: (await provider.platform.account()).username, provider, platform: provider.platform };
  }

  /** Every owner models can be created as; `failures` say which platforms could not be asked theirs. */
  async owners(): Promise<{ owners: ModelOwner[]; failures: GatewayError[] }> {
    const asked = await Promise.allSettled(this.#providers.all().map((provider) => this.ownerOf(provider)));
    const owners: ModelOwner[] = [];
    const failures: GatewayError[] = [];
    for (const answer of asked) {
      if (answer.status === "rejected") failures.push(GatewayError.from(answer.reason));
      else if (answer.value) owners.push(answer.value);
    }
    return { owners, failures };
  }

  /**
   * The owner a client that knows one account (Replicate's `username`) makes models as: a
   * platform's account when one is configured, so trainings land where the models run.
   */
  static defaultOwner(owners: ModelOwner[]): ModelOwner | undefined {
    return owners.find((owner) => owner.platform) ?? owners[0];
  }

  get(fullName: string): Promise<CreatedModel | null> {
    return this.#store.createdModels.get(fullName);
  }

  /** Makes the model (at the platform too, where its owner is a platform's); the platform's JSON, if any. */
  async create(request: NewModelRequest): Promise<{ model: CreatedModel; platformJson?: unknown }> {
    const { caller, ...fields } = request;
    const { owners, failures } = await this.owners();
    const owner = owners.find((candidate) => candidate.owner === fields.owner);
    if (!owner) throw failures[0] ?? notYourOwner(fields.owner, owners);
    const fullName = `${fields.owner}/${fields.name}`;
    if (!owner.platform && fields.hardware !== LOCAL_HARDWARE) {
      const description = `models of ${fields.owner} run on gengate's own machine: hardware must be "${LOCAL_HARDWARE}"`;
      throw new GatewayError("invalid_input", `hardware: ${description}`, {
        retryable: false,
        invalidFields: [{ type: "enum", field: "hardware", description }],
      });
    }
    if (await this.#store.createdModels.get(fullName)) throw taken(fields.owner, fields.name);
    const platformJson = owner.platform ? await owner.platform.createModel(fields) : undefined;
    const model: CreatedModel = {
      owner: fields.owner,
      name: fields.name,
      tokenId: caller.tokenId,
      provider: owner.provider.id,
      upstream: owner.platform !== undefined,
      visibility: fields.visibility,
      hardware: fields.hardware,
      description: fields.description ?? null,
      links: linksOf(fields),
      createdAt: Date.now(),
    };
    if (!(await this.#store.createdModels.insert(model))) throw taken(fields.owner, fields.name);
    return { model, ...(platformJson !== undefined && { platformJson }) };
  }

  /** Models made through gengate whose name or description holds `text`, that `caller` may see. */
  search(text: string, caller: ModelCaller, limit: number): Promise<CreatedModel[]> {
    return this.#store.createdModels.search(text, caller.isAdmin ? undefined : caller.tokenId, limit);
  }

  /**
   * Refuses, before a training of `provider` is stored, a destination outside the owner its
   * trainings push to (403) or one that does not exist (404), as Replicate does. Whose it is among
   * gengate's tokens is checked before (trained-model-owners.ts).
   */
  async checkDestination(destination: string, provider: Provider): Promise<void> {
    const owner = await this.ownerOf(provider);
    if (!owner) return;
    const [modelOwner = "", name = ""] = destination.split("/");
    if (modelOwner !== owner.owner) {
      throw destinationError(
        "forbidden",
        `trainings of ${provider.id} push to models of ${owner.owner}, not of ${modelOwner}`,
      );
    }
    if (await this.#exists(destination)) return;
    if (owner.platform && (await owner.platform.getModel(modelOwner, name))) return;
    throw destinationError(
      "not_found",
      `the specified training destination ${destination} does not exist; create it first with POST /v1/models`,
    );
  }

  /** Made through gengate, by a LoRA, or trained into before (before models were made this way). */
  async #exists(destination: string): Promise<boolean> {
    if (await this.#store.createdModels.get(destination)) return true;
    if (await this.#store.loras.findByDestination(destination)) return true;
    return (await this.#store.predictions.trainersOf(destination)).length > 0;
  }
}

function linksOf(fields: NewPlatformModel): CreatedModelLinks {
  return {
    github_url: fields.github_url ?? null,
    paper_url: fields.paper_url ?? null,
    license_url: fields.license_url ?? null,
    cover_image_url: fields.cover_image_url ?? null,
  };
}

const taken = (owner: string, name: string) =>
  new GatewayError("conflict", `${owner} already has a model named ${name}`, { retryable: false });

function notYourOwner(owner: string, owners: ModelOwner[]): GatewayError {
  const yours = owners.map(({ owner: name, provider }) => `"${name}" (trained by ${provider.id})`);
  const description =
    yours.length === 0
      ? "no provider of this gengate trains models, so none can be created"
      : `you can create models as ${yours.join(" or ")}, not as "${owner}"`;
  return new GatewayError("forbidden", `owner: ${description}`, {
    retryable: false,
    invalidFields: [{ type: "forbidden", field: "owner", description }],
  });
}
