/**
 * Routes predictions of catalog aliases: picks the first target that is configured, healthy,
 * able to serve the request and accepts its input; after a failed run, moves to the next one.
 * Each target tried or skipped is logged on the prediction's route, with the reason.
 */
import { adaptInput } from "../catalog/adapt-input.ts";
import { ALIAS_OWNER } from "../catalog/catalog.ts";
import { validateInput } from "../catalog/input-validation.ts";
import { parseLoras } from "../catalog/loras.ts";
import { type ErrorCode, GatewayError, type InvalidField } from "../core/errors.ts";
import { type ModelRef, parseModelRef } from "../core/model-ref.ts";
import type { Prediction } from "../core/prediction.ts";
import { logEntry, type PredictionRoute, type RouteLogEntry, type RouteTarget } from "../core/route.ts";
import type { ModelDescriptor, Provider } from "../providers/provider.ts";
import type { PredictionPatch } from "../store/index.ts";
import type { EngineContext } from "./engine-context.ts";

export interface Routed {
  provider: Provider;
  model: ModelDescriptor;
  input: Record<string, unknown>;
  route: PredictionRoute;
}

type Attempt =
  | { ok: true; routed: Omit<Routed, "route">; warnings: string[]; probe: boolean }
  | { ok: false; error: GatewayError };

export class Router {
  readonly #ctx: EngineContext;

  constructor(ctx: EngineContext) {
    this.#ctx = ctx;
  }

  /** The alias a reference names (`gengate/<alias>`), if it is one. */
  aliasOf(ref: ModelRef): string | undefined {
    if (ref.kind !== "model" || ref.owner !== ALIAS_OWNER) return undefined;
    return this.#ctx.catalog.get(ref.name) ? ref.name : undefined;
  }

  /**
   * The first target able to take the request of `tokenId` (whose files its input may name); a
   * request no target takes is refused with the reasons.
   */
  async route(alias: string, request: Record<string, unknown>, tokenId: string | null): Promise<Routed> {
    if (request.loras !== undefined && request.loras !== null) parseLoras(request.loras);
    const candidates = this.#ctx.catalog.candidates(alias, request);
    const routed = await this.#firstUsable(alias, request, candidates, [], tokenId);
    if ("provider" in routed) return routed;
    throw routed.error;
  }

  /**
   * After the current target failed with `reason`: a patch that re-queues the prediction on the
   * same target (retries left) or the next usable one (state "queued"), or, when none is left, the
   * patch recording the failure on the route. `predictTime` is the provider time the failed run
   * used (none when it never started upstream); a re-queued prediction keeps it among its ended runs.
   */
  async next(row: Prediction, reason: string, predictTime?: number): Promise<PredictionPatch> {
    const route = row.route;
    if (!route) return {};
    const { current } = route;
    await this.#ctx.breakers.failure(current.key);
    // The current target's "ran" entry is the last one: it becomes "failed".
    const log = [...route.log.slice(0, -1), logEntry(current, "failed", reason)];
    // Past its deadline or asked to cancel, a prediction ends here rather than start new work.
    if ((row.deadlineAt !== null && row.deadlineAt <= Date.now()) || row.cancelRequestedAt !== null)
      return { route: { ...route, log } };
    const { provider, providerModel } = row;
    const ran = predictTime === undefined ? [] : [{ provider, providerModel, predictTime }];
    const endedRuns = [...(route.endedRuns ?? []), ...ran];
    if (route.failures < current.retries) {
      const retry = {
        ...route,
        failures: route.failures + 1,
        log: [...log, logEntry(current, "ran")],
        probe: false,
        endedRuns,
      };
      return this.#requeue(retry);
    }
    const { alias, request, remaining } = route;
    const routed = await this.#firstUsable(alias, request, remaining, log, row.tokenId).catch(
      (error: unknown) => ({ error: GatewayError.from(error) }),
    );
    return "provider" in routed
      ? this.#requeue({ ...routed.route, endedRuns }, routed)
      : { route: { ...route, log } };
  }

  #requeue(route: PredictionRoute, routed?: Routed): PredictionPatch {
    return {
      state: "queued",
      attempts: 0,
      upstreamId: null,
      operation: null,
      upstreamPhase: null,
      nextCheckAt: Date.now(),
      route,
      ...(routed && {
        provider: routed.provider.id,
        providerModel: routed.model.providerModel,
        version: routed.model.versionId,
        input: routed.input,
      }),
    };
  }

  async #firstUsable(
    alias: string,
    request: Record<string, unknown>,
    candidates: RouteTarget[],
    log: RouteLogEntry[],
    tokenId: string | null,
  ): Promise<Routed | { error: GatewayError }> {
    /** Why each target refused, as fields: a client fixing its request needs every target's reason. */
    const refusals: InvalidField[] = [];
    let refusal: GatewayError | undefined;
    for (const [index, target] of candidates.entries()) {
      const attempt = await this.#try(target, request, tokenId);
      if (attempt.ok) {
        const route: PredictionRoute = {
          alias,
          request,
          current: target,
          failures: 0,
          remaining: candidates.slice(index + 1),
          log: [...log, logEntry(target, "ran")],
          warnings: attempt.warnings,
          probe: attempt.probe,
        };
        return { ...attempt.routed, route };
      }
      // The status the client hears is that of a refusal naming a field, when one does.
      const { error } = attempt;
      if (REFUSALS.has(error.code) && (!refusal || (!refusal.invalidFields && error.invalidFields)))
        refusal = error;
      const entry = logEntry(target, "skipped", error.message.split("\n")[0]);
      log.push(entry);
      refusals.push(...refusalFields(entry.target, target.model, error));
    }
    const reasons = log.map((entry) => `- ${entry.target} (${entry.model}): ${entry.reason}`).join("\n");
    const detail = `no target of ${alias} can serve this request\n${reasons}`;
    if (!refusal) return { error: new GatewayError("provider_unavailable", detail, { retryable: false }) };
    return { error: new GatewayError(refusal.code, detail, { invalidFields: refusals }) };
  }

  async #try(
    target: RouteTarget,
    request: Record<string, unknown>,
    tokenId: string | null,
  ): Promise<Attempt> {
    const fail = (code: ErrorCode, message: string, invalidFields?: InvalidField[]): Attempt => ({
      ok: false,
      error: new GatewayError(code, message, { ...(invalidFields && { invalidFields }) }),
    });
    const provider = this.#ctx.providers.all().find((p) => p.id === target.provider);
    if (!provider) return fail("provider_unavailable", `provider not configured: ${target.provider}`);
    let model: ModelDescriptor | null;
    try {
      model = await provider.getModel(parseModelRef(target.model));
    } catch (error) {
      return fail("provider_unavailable", `model lookup failed: ${GatewayError.from(error).message}`);
    }
    if (!model) return fail("provider_unavailable", `model not found at ${provider.id}: ${target.model}`);
    let input: Record<string, unknown>;
    let warnings: string[];
    try {
      const adapted = adaptInput(target, request, model.inputSchema, model.capabilities);
      if (!adapted.ok) return fail("invalid_input", adapted.reason);
      input = validateInput(model, adapted.input);
      warnings = [...adapted.warnings, ...(provider.inputWarnings?.(model.providerModel, input) ?? [])];
      // What the schema cannot tell (an image over a local model's size cap) lets the next target try.
      await provider.checkInput?.(model.providerModel, input, this.#ctx.providerContext(tokenId));
    } catch (error) {
      const refused = GatewayError.from(error);
      // Bad input every target would refuse (a malformed URL) is the client's to hear at once.
      if (!REFUSALS.has(refused.code) && refused.status < 500) throw refused;
      const [first = "", ...details] = refused.message.split("\n");
      const reason = details.length > 0 ? `validation failed: ${details.join("; ")}` : first;
      return fail(refused.code, reason, refused.invalidFields);
    }
    // Asked last: past the open time, the first caller that asks becomes the probe.
    const admission = await this.#ctx.breakers.admit(target.key);
    if (admission === "open") return fail("provider_unavailable", "circuit open");
    return { ok: true, routed: { provider, model, input }, warnings, probe: admission === "probe" };
  }
}

/**
 * A target's refusal as invalid fields, each description led by the target: the fields its input
 * validation named, else the input as a whole (a capability or parameter it lacks), else the model
 * (the target cannot run at all now).
 */
function refusalFields(target: string, model: string, error: GatewayError): InvalidField[] {
  const by = `${target} (${model})`;
  if (error.invalidFields)
    return error.invalidFields.map((field) => ({ ...field, description: `${by}: ${field.description}` }));
  const refused = REFUSALS.has(error.code);
  return [
    {
      type: refused ? "route" : "unavailable",
      field: refused ? "input" : "model",
      description: `${by}: ${error.message}`,
    },
  ];
}

/** Refusals of the request by one target: the next target may take it; if none does, the client hears why. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set(["invalid_input", "unsupported_media_type"]);
