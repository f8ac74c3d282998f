/**
 * RunPod's webhooks are not signed (reference A.9), so the URL registered for a job carries the
 * prediction id and a token only gengate can make: an HMAC of the id under a key derived from
 * the API key, the same in every gengate process. The token proves the call came through a URL
 * we gave out, not which job the body is about, so the body is taken only as "look now": the
 * next status poll, made with our API key, decides.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { ProviderWebhook } from "../provider.ts";

const bodySchema = z.looseObject({ id: z.string().min(1), status: z.string() });

export function runpodWebhook(apiKey: string): ProviderWebhook & {
  urlFor(base: string, predictionId: string): string;
} {
  const key = createHmac("sha256", apiKey).update("gengate runpod webhook token v1").digest();
  const tokenFor = (predictionId: string) => createHmac("sha256", key).update(predictionId).digest();

  return {
    urlFor(base, predictionId) {
      const url = new URL(base);
      url.searchParams.set("prediction", predictionId);
      url.searchParams.set("token", tokenFor(predictionId).toString("base64url"));
      return url.toString();
    },

    async verify(request) {
      const params = new URL(request.url).searchParams;
      const prediction = params.get("prediction");
      const token = Buffer.from(params.get("token") ?? "", "base64url");
      if (!prediction) return false;
      const expected = tokenFor(prediction);
      return token.length === expected.length && timingSafeEqual(token, expected);
    },

    async parse(request, rawBody) {
      let json: unknown;
      try {
        json = JSON.parse(rawBody);
      } catch {
        json = undefined;
      }
      const parsed = bodySchema.safeParse(json);
      if (!parsed.success) throw new GatewayError("bad_request", "not a RunPod job object");
      const predictionId = new URL(request.url).searchParams.get("prediction") ?? undefined;
      return { upstreamId: parsed.data.id, predictionId, update: { state: "processing", nextPollMs: 0 } };
    },
  };
}
