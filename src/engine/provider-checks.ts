/**
 * `gengate providers check` as the server sees it: each configured provider's own connection test
 * (reachability, credentials, rate-limit headroom), all at once, none of them allowed to hang.
 */
import { GatewayError } from "../core/errors.ts";
import type { Provider, ProviderCheck } from "../providers/provider.ts";
import type { ProviderRegistry } from "../providers/registry.ts";

/** A check still unanswered after this long is reported unreachable. */
const CHECK_TIMEOUT_MS = 15_000;

const NO_CHECK: ProviderCheck = {
  reachable: true,
  authenticated: null,
  detail: "this provider has no connection test",
};

export interface ProviderCheckResult extends ProviderCheck {
  provider: string;
}

/** `check`, or what stopped it: an error or the timeout. */
function settled(check: Promise<ProviderCheck>, timeoutMs: number): Promise<ProviderCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ProviderCheck>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          reachable: false,
          authenticated: null,
          detail: `no answer within ${timeoutMs / 1000} s`,
        }),
      timeoutMs,
    );
  });
  const failed = check.catch(
    (error: unknown): ProviderCheck => ({
      reachable: false,
      authenticated: null,
      detail: GatewayError.from(error).message,
    }),
  );
  return Promise.race([failed, timedOut]).finally(() => clearTimeout(timer));
}

/** One provider's connection test; it never throws and never takes longer than `timeoutMs`. */
export async function checkProvider(
  provider: Provider,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<ProviderCheckResult> {
  const check = provider.check ? await settled(provider.check(), timeoutMs) : NO_CHECK;
  return { provider: provider.id, ...check };
}

export function checkProviders(registry: ProviderRegistry): Promise<ProviderCheckResult[]> {
  return Promise.all(registry.all().map((provider) => checkProvider(provider)));
}
