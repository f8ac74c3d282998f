/** Mistakes in the RunPod section of gengate.config.json stop gengate, naming the file and the path. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startGateway } from "./support/gateway.ts";
import { spawnServe } from "./support/serve-process.ts";

const dir = mkdtempSync(join(tmpdir(), "gengate-runpod-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RUNPOD = { RUNPOD_API_KEY: "rpa_TEST_KEY_never_shown", RUNPOD_BASE_URL: "http://127.0.0.1:9/v2" };
let files = 0;

function configWith(runpod: unknown): string {
  const file = join(dir, `gengate-${++files}.config.json`);
  writeFileSync(file, JSON.stringify(runpod === undefined ? { providers: {} } : { providers: { runpod } }));
  return file;
}

describe("RunPod configuration mistakes", () => {
  it.each([
    [
      { endpoints: { sdxl: { endpointId: "sd", worker: "invokeai" } } },
      "providers.runpod.endpoints.sdxl.worker: Invalid option",
    ],
    [
      { endpoints: { sdxl: { worker: "a1111" } } },
      "providers.runpod.endpoints.sdxl.endpointId: must be the RunPod endpoint id",
    ],
    [{ endpoint: {} }, "providers.runpod.endpoints: is required"],
    [undefined, "providers.runpod: is missing: RUNPOD_API_KEY is set"],
  ])("refuses %j, naming the file and the path", async (runpod, message) => {
    const file = configWith(runpod);
    await expect(startGateway({ ...RUNPOD, GENGATE_CONFIG: file })).rejects.toThrow(`${file}: ${message}`);
  });

  it("stops `gengate serve` with that message, and without the key", async () => {
    const file = configWith({ endpoints: { sdxl: { endpointId: "sd", worker: "flux", maxRetries: 99 } } });
    const serving = spawnServe({ ...RUNPOD, GENGATE_CONFIG: file, GENGATE_DATA_DIR: join(dir, "data") });
    const error = await serving.then(
      ({ child }) => {
        child.kill("SIGKILL");
        return new Error("gengate serve started");
      },
      (reason: unknown) => reason as Error,
    );
    expect(error.message).toContain(`${file}: providers.runpod.endpoints.sdxl.maxRetries: Too big`);
    expect(error.message).not.toContain(RUNPOD.RUNPOD_API_KEY);
  });

  it("leaves RunPod off when RUNPOD_API_KEY is not set", async () => {
    const file = configWith({ endpoints: { sdxl: { endpointId: "sd", worker: "a1111" } } });
    const gateway = await startGateway({ GENGATE_CONFIG: file });
    try {
      expect((await gateway.api("/v1/models/runpod/sdxl")).status).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});
