import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeReplicate, startFakeReplicate } from "../../../test/fakes/replicate/index.ts";
import { providerDeps } from "../../../test/support/provider-deps.ts";
import { createReplicateProvider } from "./replicate-provider.ts";

let fake: FakeReplicate;

beforeAll(async () => {
  fake = await startFakeReplicate();
});

afterAll(() => fake.close());

const providerWithToken = async (token: string) =>
  createReplicateProvider(
    { REPLICATE_API_TOKEN: token, REPLICATE_BASE_URL: fake.url },
    await providerDeps("replicate"),
  );

it("reports the account and the rate-limit headroom, creating nothing", async () => {
  const check = await (await providerWithToken(fake.token))?.check?.();
  expect(check).toMatchObject({
    reachable: true,
    authenticated: true,
    detail: `${fake.url}: account fake-user`,
  });
  expect(check?.rateLimitRemaining).toBeGreaterThan(0);
  const refused = await (await providerWithToken("r8_wrong"))?.check?.();
  expect(refused).toMatchObject({ reachable: true, authenticated: false });
  expect(refused?.detail).not.toContain("r8_wrong");
  expect(fake.predictions()).toEqual([]);
});
