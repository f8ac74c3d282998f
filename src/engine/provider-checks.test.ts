import { createServer, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { providerDeps } from "../../test/support/provider-deps.ts";
import { createReplicateProvider } from "../providers/replicate/index.ts";
import { checkProvider } from "./provider-checks.ts";

// A server that accepts connections and never answers, as an upstream stuck behind a proxy would.
const sockets = new Set<Socket>();
const silent = createServer((socket) => sockets.add(socket));

beforeAll(async () => {
  await new Promise<void>((listening) => silent.listen(0, "127.0.0.1", listening));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((closed) => silent.close(closed));
});

it("reports a provider whose upstream does not answer as unreachable once its time is up", async () => {
  const { port } = silent.address() as { port: number };
  const env = { REPLICATE_API_TOKEN: "r8_x", REPLICATE_BASE_URL: `http://127.0.0.1:${port}/v1` };
  const provider = createReplicateProvider(env, await providerDeps("replicate"));
  if (!provider) throw new Error("the replicate provider should be on");
  const started = performance.now();
  const result = await checkProvider(provider, 300);
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(result).toEqual({
    provider: "replicate",
    reachable: false,
    authenticated: null,
    detail: "no answer within 0.3 s",
  });
  await provider.close?.();
});
