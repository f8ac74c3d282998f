import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeFal, startFakeFal } from "../../../test/fakes/fal/index.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { createFalProvider } from "./fal-provider.ts";

let fake: FakeFal;
const settings = { apps: { sdxl: { app: "fal-ai/fast-sdxl" } } };

beforeAll(async () => {
  fake = await startFakeFal();
});

afterAll(() => fake.close());

const providerWithKey = async (key: string) =>
  createFalProvider(
    { FAL_KEY: key, FAL_QUEUE_URL: fake.queueUrl, FAL_JWKS_URL: fake.jwksUrl },
    await providerDeps("fal", { settings }),
  );

it("checks the key and the webhook keys without creating work", async () => {
  expect(await (await providerWithKey(fake.key))?.check?.()).toEqual({
    reachable: true,
    authenticated: true,
    detail: `queue ${fake.queueUrl}: reachable, key accepted; webhook keys (${fake.jwksUrl}): 1 Ed25519 key(s)`,
  });
  const refused = await (await providerWithKey("someone:else"))?.check?.();
  expect(refused).toMatchObject({ reachable: true, authenticated: false });
  expect(refused?.detail).toContain(`queue ${fake.queueUrl}: key refused (401)`);
  expect(fake.submits()).toEqual([]);
  expect(fake.requests.every((request) => request.method === "GET")).toBe(true);
});
