/**
 * The providers with each call upstream counted by provider, operation and outcome, without the
 * providers knowing: each is seen through a Proxy that passes everything on unchanged (a method
 * the provider lacks stays absent) and reports how the work calls ended.
 */
import { GatewayError } from "../core/errors.ts";
import type { Provider } from "../providers/provider.ts";
import { ProviderRegistry } from "../providers/registry.ts";
import type { EngineMetrics, UpstreamOutcome } from "./engine-metrics.ts";

/** The calls that reach the provider's upstream for a prediction's or a training's work. */
const WORK_CALLS: ReadonlySet<PropertyKey> = new Set([
  "start",
  "find",
  "adopt",
  "status",
  "cancel",
  "stream",
]);
const TRAINING_CALLS: ReadonlySet<PropertyKey> = new Set([
  "startTraining",
  "findTraining",
  "createModel",
  "uploadTrainingData",
]);

type Count = (operation: string, outcome: UpstreamOutcome) => void;

export function meteredProviders(registry: ProviderRegistry, metrics: EngineMetrics): ProviderRegistry {
  return new ProviderRegistry(registry.all().map((provider) => metered(provider, metrics)));
}

function metered(provider: Provider, metrics: EngineMetrics): Provider {
  const count: Count = (operation, outcome) => metrics.upstreamCall(provider.id, operation, outcome);
  const training = provider.training && counting(provider.training, TRAINING_CALLS, count);
  return counting(provider, WORK_CALLS, count, training ? { training } : {});
}

function counting<T extends object>(
  target: T,
  calls: ReadonlySet<PropertyKey>,
  count: Count,
  replaced: Record<PropertyKey, unknown> = {},
): T {
  const functions = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, name) {
      if (Object.hasOwn(replaced, name)) return replaced[name];
      const value: unknown = Reflect.get(object, name, object);
      if (typeof value !== "function") return value;
      let wrapped = functions.get(name);
      if (!wrapped) {
        const bound = value.bind(object) as (...args: unknown[]) => unknown;
        wrapped = calls.has(name) ? countCalls(String(name), bound, count) : bound;
        functions.set(name, wrapped);
      }
      return wrapped;
    },
  });
}

function countCalls(operation: string, call: (...args: unknown[]) => unknown, count: Count) {
  return (...args: unknown[]) => {
    let result: unknown;
    try {
      result = call(...args);
    } catch (error) {
      count(operation, outcomeOf(error));
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          count(operation, "ok");
          return value;
        },
        (error: unknown) => {
          count(operation, outcomeOf(error));
          throw error;
        },
      );
    }
    return isAsyncIterable(result) ? countedStream(operation, result, count) : result;
  };
}

/** A stream counts once, when it ends: read to its end or left by its reader (ok), or failed. */
async function* countedStream(operation: string, stream: AsyncIterable<unknown>, count: Count) {
  let outcome: UpstreamOutcome = "ok";
  try {
    yield* stream;
  } catch (error) {
    outcome = outcomeOf(error);
    throw error;
  } finally {
    count(operation, outcome);
  }
}

function outcomeOf(error: unknown): UpstreamOutcome {
  return GatewayError.from(error).code;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
