/**
 * The mark a submit's webhook URL carries: the prediction id, the submit id and a token only
 * gengate can make (an HMAC of both under a key derived from the provider's secret, the same in
 * every gengate process). A webhook that comes through such a URL names the work of that one
 * submit, even when the submit's own answer was lost.
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";

export interface SubmitMark {
  predictionId: string;
  submitId: string;
}

export class SubmitMarker {
  /** A KeyObject: Node accepts one several times faster than a Buffer key. */
  readonly #key: KeyObject;

  /** `secret` is the provider's key; `provider` keeps the marks of two providers apart. */
  constructor(secret: string, provider: string) {
    this.#key = createSecretKey(
      createHmac("sha256", secret).update(`gengate ${provider} submit mark v2`).digest(),
    );
  }

  /** `base` with the mark of this submit added to its query. */
  mark(base: string, { predictionId, submitId }: SubmitMark): string {
    const url = new URL(base);
    url.searchParams.set("prediction", predictionId);
    url.searchParams.set("submit", submitId);
    url.searchParams.set("token", this.#token(predictionId, submitId).toString("base64url"));
    return url.toString();
  }

  /** The mark `url` carries, or null when it has none or its token is not gengate's (constant-time). */
  read(url: string): SubmitMark | null {
    const params = new URL(url).searchParams;
    const predictionId = params.get("prediction");
    const submitId = params.get("submit");
    if (!predictionId || !submitId) return null;
    const token = Buffer.from(params.get("token") ?? "", "base64url");
    const expected = this.#token(predictionId, submitId);
    return token.length === expected.length && timingSafeEqual(token, expected)
      ? { predictionId, submitId }
      : null;
  }

  #token(predictionId: string, submitId: string): Buffer {
    return createHmac("sha256", this.#key)
      .update(JSON.stringify([predictionId, submitId]))
      .digest();
  }
}
