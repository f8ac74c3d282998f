/**
 * The providers with each call that reaches an upstream watched, without the providers knowing:
 * each is seen through a Proxy that passes everything on unchanged (a method the provider lacks
 * stays absent) and tells a watcher when a work call begins and how it ended. Metrics count the
 * calls this way, and traces time them.
 */
import type { Provider } from "../providers/provider.ts";
import { ProviderRegistry } from "../providers/registry.ts";

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

/** One call being watched. */
export interface WatchedCall {
  /** Makes the call (the watcher may run it within something of its own, such as a span). */
  run<T>(call: () => T): T;
  /** The call ended: returned, or its stream was read to its end or left by its reader. */
  ok(): void;
  failed(error: unknown): void;
}

/** Begins watching one call of `operation` (e.g. "start") at `provider`. */
export type CallWatcher = (provider: Provider, operation: string) => WatchedCall;

export function watchedProviders(registry: ProviderRegistry, watch: CallWatcher): ProviderRegistry {
  return new ProviderRegistry(registry.all().map((provider) => watched(provider, watch)));
}

function watched(provider: Provider, watch: CallWatcher): Provider {
  const begin = (operation: string) => watch(provider, operation);
  const training = provider.training && watching(provider.training, TRAINING_CALLS, begin);
  return watching(provider, WORK_CALLS, begin, training ? { training } : {});
}

function watching<T extends object>(
  target: T,
  calls: ReadonlySet<PropertyKey>,
  begin: (operation: string) => WatchedCall,
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
        wrapped = calls.has(name) ? watchCalls(String(name), bound, begin) : bound;
        functions.set(name, wrapped);
      }
      return wrapped;
    },
  });
}

function watchCalls(
  operation: string,
  call: (...args: unknown[]) => unknown,
  begin: (operation: string) => WatchedCall,
) {
  return (...args: unknown[]) => {
    const watch = begin(operation);
    let result: unknown;
    try {
      result = watch.run(() => call(...args));
    } catch (error) {
      watch.failed(error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          watch.ok();
          return value;
        },
        (error: unknown) => {
          watch.failed(error);
          throw error;
        },
      );
    }
    if (isAsyncIterable(result)) return watchedStream(result, watch);
    watch.ok();
    return result;
  };
}

/** A stream ends its call once: read to its end or left by its reader (ok), or failed. */
async function* watchedStream(stream: AsyncIterable<unknown>, watch: WatchedCall) {
  let failure: { error: unknown } | undefined;
  try {
    yield* stream;
  } catch (error) {
    failure = { error };
    throw error;
  } finally {
    if (failure) watch.failed(failure.error);
    else watch.ok();
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
