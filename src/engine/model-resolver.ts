/**
 * What a model reference runs on: a catalog alias goes through the router; `lora:<name>` and a
 * LoRA's trained version run that version with the trigger word in the prompt; any other
 * reference goes straight to the provider that knows it. Input is validated on the way.
 */
import { ALIAS_OWNER } from "../catalog/catalog.ts";
import { validateInput } from "../catalog/input-validation.ts";
import { GatewayError } from "../core/errors.ts";
import { type FileFields, fileFieldsOf } from "../core/file-fields.ts";
import { type Lora, loraNameOf, withTriggerWord } from "../core/lora.ts";
import { formatModelRef, type ModelRef, parseModelRef } from "../core/model-ref.ts";
import type { ModelDescriptor, Provider } from "../providers/provider.ts";
import { trainingOf } from "../providers/training-of.ts";
import type { EngineContext } from "./engine-context.ts";
import type { Routed, Router } from "./router.ts";

export interface Resolved {
  provider: Provider;
  model: ModelDescriptor;
  input: Record<string, unknown>;
  /** `owner/name` as the client sees it. */
  name: string;
  route?: Routed["route"];
  /** What the provider will drop or rewrite of the input (a routed prediction has them in its route). */
  warnings?: string[];
  /** The input's fields that hold files, by the schema it was validated against. */
  fileFields: FileFields;
}

export class ModelResolver {
  private readonly ctx: EngineContext;
  private readonly router: Router;

  constructor(ctx: EngineContext, router: Router) {
    this.ctx = ctx;
    this.router = router;
  }

  /**
   * `sendIfTaken` names input fields that go to the model only if it takes them: the request is
   * resolved without them, then again with those the chosen model takes.
   */
  async resolve(
    model: string | ModelRef,
    input: Record<string, unknown>,
    tokenId?: string,
    sendIfTaken: readonly string[] = [],
  ): Promise<Resolved> {
    const optional = sendIfTaken.filter((name) => Object.hasOwn(input, name));
    if (optional.length === 0) return this.resolveInput(model, input, tokenId);
    const without = Object.fromEntries(Object.entries(input).filter(([name]) => !optional.includes(name)));
    const resolved = await this.resolveInput(model, without, tokenId);
    const taken = optional.filter((name) => takesInput(resolved, name));
    if (taken.length === 0) return resolved;
    const withTaken = { ...without, ...Object.fromEntries(taken.map((name) => [name, input[name]])) };
    return this.resolveInput(model, withTaken, tokenId);
  }

  private async resolveInput(
    model: string | ModelRef,
    input: Record<string, unknown>,
    tokenId?: string,
  ): Promise<Resolved> {
    const loraName = typeof model === "string" ? loraNameOf(model) : undefined;
    if (loraName !== undefined) return this.resolveLora(await this.readyLora(loraName, tokenId), input);
    const ref = typeof model === "string" ? parseModelRef(model) : model;
    const alias = this.router.aliasOf(ref);
    if (alias !== undefined) {
      const routed = await this.router.route(alias, input, tokenId ?? null);
      return {
        ...routed,
        name: `${ALIAS_OWNER}/${routed.route.alias}`,
        fileFields: fileFieldsOf(routed.model.inputSchema),
      };
    }
    const lora = await this.loraOf(ref);
    // A LoRA's trained model runs for its owner only, however it is named.
    if (lora && !(await this.mayUse(lora, tokenId)))
      throw new GatewayError("not_found", `model ${formatModelRef(ref)} not found`);
    if (lora && lora.version === formatModelRef(ref)) return this.resolveLora(lora, input);
    const { provider, model: found } = await this.ctx.providers.resolve(ref);
    const validated = validateInput(found, input);
    await this.checkInput(provider, found, validated, tokenId);
    const warnings = provider.inputWarnings?.(found.providerModel, validated) ?? [];
    return {
      provider,
      model: found,
      input: validated,
      name: `${found.owner}/${found.name}`,
      ...(warnings.length > 0 && { warnings }),
      fileFields: fileFieldsOf(found.inputSchema),
    };
  }

  private checkInput(
    provider: Provider,
    model: ModelDescriptor,
    input: Record<string, unknown>,
    tokenId: string | undefined,
  ): Promise<void> {
    const ctx = this.ctx.providerContext(tokenId ?? null);
    return provider.checkInput?.(model.providerModel, input, ctx) ?? Promise.resolve();
  }

  /** A trainer of a provider that trains, with the training input validated against its schema. */
  async resolveTrainer(trainer: string, input: Record<string, unknown>): Promise<Resolved> {
    const { provider, model } = await this.ctx.providers.resolve(parseModelRef(trainer, "trainer"));
    const inputSchema = await trainingOf(provider).trainingSchema(model.providerModel);
    const validated = validateInput({ ...model, inputSchema }, input);
    return {
      provider,
      model,
      input: validated,
      name: `${model.owner}/${model.name}`,
      fileFields: fileFieldsOf(inputSchema),
    };
  }

  /** The LoRA whose trained model or version `ref` names, if any. */
  private loraOf(ref: ModelRef): Promise<Lora | null> {
    const { loras } = this.ctx.store;
    if (ref.kind === "bare-version") return loras.findByVersionId(ref.version);
    if (ref.kind === "deployment") return Promise.resolve(null);
    return loras.findByDestination(`${ref.owner}/${ref.name}`);
  }

  private async mayUse(lora: Lora, tokenId: string | undefined): Promise<boolean> {
    if (lora.tokenId === (tokenId ?? null)) return true;
    const token = tokenId === undefined ? null : await this.ctx.store.tokens.get(tokenId);
    return token?.isAdmin === true;
  }

  private async readyLora(name: string, tokenId: string | undefined): Promise<Lora> {
    const lora = await this.ctx.store.loras.getByName(tokenId ?? null, name);
    if (!lora) throw new GatewayError("not_found", `model lora:${name} not found`);
    if (!lora.version) {
      throw new GatewayError(
        "conflict",
        `lora:${name} is not trained yet (it is ${lora.status.replace("_", " ")})`,
      );
    }
    return lora;
  }

  private async resolveLora(lora: Lora, input: Record<string, unknown>): Promise<Resolved> {
    const provider = this.ctx.providers.get(lora.provider);
    const model = await provider.getModel(parseModelRef(lora.version ?? ""));
    if (!model)
      throw new GatewayError(
        "not_found",
        `the trained version of lora:${lora.name} is gone from ${provider.id}`,
      );
    const prompt = typeof input.prompt === "string" ? input.prompt : "";
    const withTrigger = { ...input, prompt: withTriggerWord(prompt, lora.triggerWord) };
    return {
      provider,
      model,
      input: validateInput(model, withTrigger),
      name: `${model.owner}/${model.name}`,
      fileFields: fileFieldsOf(model.inputSchema),
    };
  }
}

/**
 * Whether the model `resolved` runs takes the input field `name`: for a catalog alias, one of
 * gengate's parameters its target maps (or drops with a warning or moves on), else a property of
 * the model's input schema.
 */
function takesInput(resolved: Resolved, name: string): boolean {
  if (resolved.route && Object.hasOwn(resolved.route.current.params, name)) return true;
  const properties = resolved.model.inputSchema.properties;
  return typeof properties === "object" && properties !== null && Object.hasOwn(properties, name);
}
