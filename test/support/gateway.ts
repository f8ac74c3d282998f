/** A real gengate server in the test process, on a free port, with its own data folder. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import { loadConfig } from "../../src/config.ts";
import { hashApiToken, newApiToken } from "../../src/core/api-tokens.ts";
import { type RunningServer, startServer } from "../../src/server.ts";

export const TEST_TOKEN = "gg_test_admin_token_0123456789abcdef";

export interface TestGateway extends RunningServer {
  dataDir: string;
  token: string;
  /** Authenticated fetch against the gateway. */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/** `logger` receives gengate's logs (silent by default; see log-capture.ts). */
export async function startGateway(
  env: Record<string, string> = {},
  dataDir?: string,
  logger?: Logger,
): Promise<TestGateway> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), "gengate-e2e-"));
  const config = loadConfig({
    GENGATE_DATA_DIR: dir,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    GENGATE_ADMIN_TOKEN: TEST_TOKEN,
    ...env,
  });
  const server = await startServer(config, { GENGATE_SIM_LATENCY: "0", ...env }, logger);
  return {
    ...server,
    dataDir: dir,
    token: TEST_TOKEN,
    api: (path, init = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${TEST_TOKEN}`, ...(init.headers as Record<string, string>) },
      }),
    async close() {
      await server.close();
      if (!dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A gateway that reads `fileConfig` as its `gengate.config.json`, kept (and removed) with its data folder. */
export async function startGatewayWithConfig(
  fileConfig: object,
  env: Record<string, string> = {},
): Promise<TestGateway> {
  const dir = mkdtempSync(join(tmpdir(), "gengate-e2e-"));
  const file = join(dir, "gengate.config.json");
  writeFileSync(file, JSON.stringify(fileConfig));
  const gateway = await startGateway({ ...env, GENGATE_CONFIG: file }, dir);
  return {
    ...gateway,
    async close() {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A non-admin token of the gateway, and a fetch that sends it. */
export interface Tenant {
  id: string;
  token: string;
  api(path: string, init?: RequestInit): Promise<Response>;
}

export async function newTenant(gateway: TestGateway, name: string): Promise<Tenant> {
  const token = newApiToken();
  const { id } = await gateway.store.tokens.create({ name, tokenHash: hashApiToken(token), isAdmin: false });
  return {
    id,
    token,
    api: (path, init = {}) =>
      fetch(`${gateway.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
      }),
  };
}
