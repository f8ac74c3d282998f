import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "../../../test/fakes/fal/index.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { GatewayError } from "../../core/errors.ts";
import type { Provider, ProviderContext, ProviderDeps, StatusResult } from "../provider.ts";
import { createFalProvider } from "./fal-provider.ts";
import type { FalOperation } from "./operation.ts";

let fake: FakeFal;
let fal: Provider;
let deps: ProviderDeps;
const ctx: ProviderContext = { readInput: () => Promise.reject(new Error("no inputs")) };
const settings = { apps: { "flux-dev": { app: "fal-ai/flux/dev" } } };

function provider(key = fake.key): Provider {
  const env = { FAL_KEY: key, FAL_QUEUE_URL: fake.queueUrl, FAL_JWKS_URL: fake.jwksUrl };
  const created = createFalProvider(env, deps);
  if (!created) throw new Error("fal is not configured");
  return created;
}

beforeAll(async () => {
  fake = await startFakeFal({ queueMs: 60, runMs: 60 });
  deps = await providerDeps("fal", { settings });
  fal = provider();
});

beforeEach(() => fake.reset());

afterAll(() => fake.close());

const start = (input: Record<string, unknown>, webhookUrl?: string) =>
  fal.start(
    {
      predictionId: "p1",
      submitId: "s1",
      providerModel: "fal-ai/flux/dev",
      input,
      ...(webhookUrl && { webhookUrl }),
    },
    ctx,
  );

async function finalStatus(operation: unknown): Promise<StatusResult> {
  for (;;) {
    const status = await fal.status(operation, ctx);
    if (status.state !== "starting" && status.state !== "processing") return status;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("fal provider against the fake queue", () => {
  it("is not configured without FAL_KEY", () => {
    expect(createFalProvider({}, deps)).toBeNull();
  });

  it("submits with a webhook naming the prediction and stores fal's URLs", async () => {
    const started = await start({ prompt: "x" }, "https://gengate.example/hooks/fal");
    const op = started.operation as FalOperation;
    expect(started.upstreamId).toBe(op.requestId);
    expect(op).toMatchObject({
      provider: "fal",
      app: "fal-ai/flux/dev",
      statusUrl: `${fake.queueUrl}/fal-ai/flux/requests/${op.requestId}/status`,
      cancelUrl: `${fake.queueUrl}/fal-ai/flux/requests/${op.requestId}/cancel`,
    });
    expect(fake.submits()[0]?.query.fal_webhook).toMatch(
      /^https:\/\/gengate\.example\/hooks\/fal\?prediction=p1&submit=s1&token=[\w-]{43}$/,
    );
    expect(await fal.status(started.operation, ctx)).toMatchObject({
      state: "starting",
      logs: "Waiting in the fal queue at position 0\n",
    });
  });

  it("adopts a request a marked webhook named, rebuilding the URLs fal gave for it", async () => {
    expect(fal.find).toBeUndefined();
    const started = await start({ prompt: "x" });
    const request = { predictionId: "p1", submitId: "s1", providerModel: "fal-ai/flux/dev", input: {} };
    const adopted = await fal.adopt?.(request, started.upstreamId, ctx);
    expect(adopted?.upstreamId).toBe(started.upstreamId);
    expect({ ...(adopted?.operation as object), submittedAt: 0 }).toEqual({
      ...(started.operation as object),
      submittedAt: 0,
    });
  });

  it("fails with the model's input errors from the result", async () => {
    const started = await start({ prompt: "x", width: 4000, height: 64 });
    expect(await finalStatus(started.operation)).toMatchObject({
      state: "failed",
      error: "image_size: width and height must be integers from 16 to 2048",
    });
  });

  it("reports work canceled at fal as canceled, and canceling finished work is harmless", async () => {
    const started = await start({ prompt: "x" });
    await fal.cancel(started.operation, ctx);
    expect(await fal.status(started.operation, ctx)).toMatchObject({
      state: "canceled",
      error: "Request was cancelled",
    });
    await expect(fal.cancel(started.operation, ctx)).resolves.toBeUndefined();
  });

  it("maps fal's refusals to errors that never show the key", async () => {
    const error = await provider("wrong-key:secret")
      .start(
        { predictionId: "p2", submitId: "s2", providerModel: "fal-ai/flux/dev", input: { prompt: "x" } },
        ctx,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "provider_error", retryable: false });
    expect(String((error as Error).message)).not.toContain("secret");

    fake.faults.rateLimits = { count: 1, retryAfterSeconds: 2 };
    await expect(start({ prompt: "x" })).rejects.toMatchObject({ code: "rate_limited", retryAfterMs: 2000 });
    fake.faults.serverErrors = { count: 1, status: 503, route: "submit" };
    await expect(start({ prompt: "x" })).rejects.toMatchObject({
      code: "provider_unavailable",
      retryable: true,
    });
  });

  it("does not send the key to URLs off the queue origin", async () => {
    const started = await start({ prompt: "x" });
    const op = { ...(started.operation as FalOperation), statusUrl: `${fake.filesUrl}/steal` };
    await expect(fal.status(op, ctx)).rejects.toThrow("fal returned a URL outside its queue");
  });
});
