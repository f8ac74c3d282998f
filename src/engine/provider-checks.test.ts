import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createProvider } from "../providers/registry.ts";
import { checkProvider } from "./provider-checks.ts";

// A server that accepts connections and never answers, as an upstream stuck behind a proxy would.
const sockets = new Set<Socket>();
const silent = createServer((socket) => sockets.add(socket));
let dataDir: string;

beforeAll(async () => {
  await new Promise<void>((listening) => silent.listen(0, "127.0.0.1", listening));
  dataDir = await mkdtemp(join(tmpdir(), "gengate-check-"));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((closed) => silent.close(closed));
  await rm(dataDir, { recursive: true, force: true });
});

it("reports a provider whose upstream does not answer as unreachable once its time is up", async () => {
  const { port } = silent.address() as { port: number };
  const env = { REPLICATE_API_TOKEN: "r8_x", REPLICATE_BASE_URL: `http://127.0.0.1:${port}/v1` };
  const logger = { info() {}, warn() {} };
  const provider = createProvider("replicate", env, { dataDir, logger }, { path: undefined, providers: {} });
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
