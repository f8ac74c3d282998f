/**
 * RunPod's webhooks are not signed (reference A.9), so the URL registered for a job carries the
 * submit's mark (submit-marker.ts: prediction id, submit id, and a token derived from the API
 * key). The token proves the call came through a URL we gave out, and so which submit the job
 * is; the body is taken only as "look now": the next status poll, made with our API key, decides.
 */
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import type { ProviderWebhook } from "../provider.ts";
import { type SubmitMark, SubmitMarker } from "../submit-marker.ts";

const bodySchema = z.looseObject({ id: z.string().min(1), status: z.string() });

export function runpodWebhook(apiKey: string): ProviderWebhook & {
  urlFor(base: string, submit: SubmitMark): string;
} {
  const marker = new SubmitMarker(apiKey, "runpod");

  return {
    urlFor: (base, submit) => marker.mark(base, submit),

    async verify(request) {
      return marker.read(request.url) !== null;
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
      const mark = marker.read(request.url);
      return { upstreamId: parsed.data.id, ...mark, update: { state: "processing", nextPollMs: 0 } };
    },
  };
}
