/**
 * fal's webhook public keys: configured ones, or the JWKS fetched once and cached (at most a
 * day, reference B.4). fal's signature headers name no key, so a signature no cached key accepts
 * may mean a rotated key: the JWKS is fetched again then, at most once a minute.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { transportError } from "../toolkit/http.ts";
import { parseFalAnswer } from "./responses.ts";

const MAX_AGE_MS = 24 * 60 * 60_000;
const MIN_REFETCH_MS = 60_000;
const FETCH_TIMEOUT_MS = 10_000;

const jwks = z.object({
  keys: z.array(z.object({ kty: z.string(), crv: z.string().optional(), x: z.string().optional() })),
});

function publicKey(x: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
}

export class WebhookKeys {
  readonly #jwksUrl: string;
  readonly #now: () => number;
  #keys: KeyObject[] = [];
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #fetching: Promise<KeyObject[]> | undefined;
  readonly #fixed: boolean;

  constructor(source: { keys: string[] } | { jwksUrl: string }, now: () => number = Date.now) {
    this.#now = now;
    this.#fixed = "keys" in source;
    this.#jwksUrl = "jwksUrl" in source ? source.jwksUrl : "";
    if ("keys" in source) this.#keys = source.keys.map(publicKey);
  }

  /** The keys to try first. */
  async current(): Promise<KeyObject[]> {
    if (this.#fixed || this.#now() - this.#fetchedAt < MAX_AGE_MS) return this.#keys;
    return this.#fetch();
  }

  /** Keys fetched again for a signature the current ones refused; null when it is too soon to ask. */
  async refreshed(): Promise<KeyObject[] | null> {
    if (this.#fixed || this.#now() - this.#fetchedAt < MIN_REFETCH_MS) return null;
    return this.#fetch();
  }

  #fetch(): Promise<KeyObject[]> {
    this.#fetching ??= this.#load().finally(() => {
      this.#fetching = undefined;
    });
    return this.#fetching;
  }

  async #load(): Promise<KeyObject[]> {
    const what = "fetching fal's webhook keys";
    const response = await fetch(this.#jwksUrl, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).catch(
      (cause: unknown) => {
        throw transportError("fal", cause, what);
      },
    );
    if (!response.ok) {
      await response.body?.cancel();
      throw new GatewayError("provider_unavailable", `fal answered ${response.status} while ${what}`);
    }
    const body = parseFalAnswer(jwks, await response.json().catch(() => null), what);
    this.#keys = body.keys.flatMap((key) =>
      key.kty === "OKP" && key.crv === "Ed25519" && key.x ? [publicKey(key.x)] : [],
    );
    this.#fetchedAt = this.#now();
    return this.#keys;
  }
}
