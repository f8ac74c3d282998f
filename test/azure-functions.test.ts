/**
 * gengate on Azure Functions, its handlers invoked in-process with `@azure/functions`' own request
 * and context objects (the Functions host cannot run here), against PostgreSQL: a prediction
 * created through the HTTP trigger waits for a timer invocation to run it, and is read back with
 * its file; server-sent event streams end in time; SQLite is refused. The file storage is a
 * parameter: local disk now, Azure Blob (Azurite) once its driver is in.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpRequest, type HttpResponseInit, InvocationContext, type Timer } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  type AzureHandlers,
  azureConfig,
  createAzureHandlers,
  openAzureGateway,
} from "../src/azure/azure-gengate.ts";
import { parseSetCookie } from "../src/azure/http-adapter.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { type BlobEmulator, startAzurite } from "./support/blob-emulators.ts";
import { TEST_TOKEN } from "./support/gateway.ts";
import { createPostgresSchema, type PostgresSchema } from "./support/postgres-schema.ts";
import { until } from "./support/until.ts";

const HOST = "https://gengate-test.azurewebsites.net";

/** Where the Function App keeps files in each run of the suite: its variables, and the store to stop after. */
const STORAGES: Record<string, () => Promise<Pick<BlobEmulator, "env" | "close">>> = {
  "local disk": async () => ({ env: {}, close: async () => {} }),
  "Azure Blob (Azurite)": startAzurite,
};

const timer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: false },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

interface PredictionJson {
  id: string;
  status: string;
  output: string[] | null;
  urls: { get: string; stream: string };
}

for (const [storageName, startStorage] of Object.entries(STORAGES)) {
  describe.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)(
    `gengate on Azure Functions [postgres, ${storageName}]`,
    () => {
      let schema: PostgresSchema;
      let dataDir: string;
      let handlers: AzureHandlers;
      let storage: Pick<BlobEmulator, "env" | "close">;

      beforeAll(async () => {
        [schema, storage] = await Promise.all([createPostgresSchema(), startStorage()]);
        dataDir = mkdtempSync(join(tmpdir(), "gengate-azure-"));
        const env = {
          DATABASE_URL: schema.databaseUrl,
          GENGATE_DATA_DIR: dataDir,
          GENGATE_ADMIN_TOKEN: TEST_TOKEN,
          GENGATE_SIM_LATENCY: "0",
          GENGATE_STREAM_MAX_SECONDS: "1",
          LOG_LEVEL: "silent",
          ...storage.env,
        };
        handlers = createAzureHandlers(() => openAzureGateway(env));
      });

      afterAll(async () => {
        await handlers.close();
        await Promise.all([schema.drop(), storage.close()]);
        rmSync(dataDir, { recursive: true, force: true });
      });

      async function invoke(path: string, init: { method?: string; body?: unknown } = {}) {
        const request = new HttpRequest({
          method: init.method ?? "GET",
          url: `${HOST}${path}`,
          headers: { authorization: `Bearer ${TEST_TOKEN}`, "content-type": "application/json" },
          ...(init.body !== undefined && { body: { string: JSON.stringify(init.body) } }),
        });
        const answer = await handlers.http(request, new InvocationContext({ functionName: "gengate" }));
        return {
          init: answer as HttpResponseInit,
          response: new Response((answer as HttpResponseInit).body as BodyInit, answer as ResponseInit),
        };
      }

      const runTimer = () => handlers.timer(timer, new InvocationContext({ functionName: "gengate-worker" }));

      it("runs a prediction made through the HTTP trigger on a timer invocation, and reads it back", async () => {
        const created = await invoke("/v1/models/sim/image/predictions", {
          method: "POST",
          body: { input: { prompt: "a lighthouse on azure", seed: 3, width: 64, height: 64 } },
        });
        expect(created.init.status).toBe(201);
        const prediction = (await created.response.json()) as PredictionJson;
        expect(prediction.urls.get).toBe(`${HOST}/v1/predictions/${prediction.id}`);

        // No loop runs between invocations: the prediction waits for the timer.
        const waiting = (await (
          await invoke(`/v1/predictions/${prediction.id}`)
        ).response.json()) as PredictionJson;
        expect(waiting.status).toBe("starting");

        const done = await until(async () => {
          await runTimer();
          const read = (await (
            await invoke(`/v1/predictions/${prediction.id}`)
          ).response.json()) as PredictionJson;
          return read.status === "succeeded" ? read : undefined;
        });
        const [url] = done.output ?? [];
        expect(url).toMatch(new RegExp(`^${HOST}/files/[0-9a-f]{64}\\.webp\\?expires=\\d+&sig=`));
        const { pathname, search } = new URL(url ?? "");
        const file = await invoke(`${pathname}${search}`);
        expect(file.init.status).toBe(200);
        expect(file.response.headers.get("content-type")).toBe("image/webp");
        const bytes = new Uint8Array(await file.response.arrayBuffer());
        expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe("RIFF");
      });

      it("ends a server-sent event stream in time, without done, for the client to reconnect", async () => {
        const created = await invoke("/v1/models/sim/image/predictions", {
          method: "POST",
          body: { input: { prompt: "never run in this test", width: 64, height: 64 } },
        });
        const { id } = (await created.response.json()) as PredictionJson;
        const stream = await invoke(`/v1/predictions/${id}/stream`);
        expect(stream.response.headers.get("content-type")).toContain("text/event-stream");
        const text = await stream.response.text();
        expect(text).not.toContain("event: done");
      });
    },
  );
}

describe("the Azure Functions configuration", () => {
  it("registers the HTTP trigger and the worker's timer when the host loads the entry", async () => {
    // Outside the host, @azure/functions says what it would register instead of registering it.
    const warn = vi.spyOn(console, "warn");
    await import("../src/azure/main.ts");
    const registered = warn.mock.calls.map((call) => String(call[0]));
    warn.mockRestore();
    expect(registered).toEqual(
      expect.arrayContaining([
        expect.stringContaining('register function "gengate"'),
        expect.stringContaining('register function "gengate-worker"'),
      ]),
    );
  });

  it("refuses to start without PostgreSQL, naming DATABASE_URL", () => {
    expect(() => azureConfig({ GENGATE_DATA_DIR: tmpdir() })).toThrow(
      /^DATABASE_URL: must be set on Azure Functions/,
    );
  });

  it("names the app's own host in links unless PUBLIC_URL says otherwise, and ends streams before 230 s", () => {
    const base = { DATABASE_URL: "postgres://db.example/gengate", WEBSITE_HOSTNAME: "gg.azurewebsites.net" };
    expect(azureConfig(base)).toMatchObject({
      publicUrl: "https://gg.azurewebsites.net",
      streamMaxMs: 200_000,
    });
    expect(azureConfig({ ...base, PUBLIC_URL: "https://gengate.example.com" }).publicUrl).toBe(
      "https://gengate.example.com",
    );
  });

  it("hands cookies to the host one by one", () => {
    expect(parseSetCookie("gg_session=abc=; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax")).toEqual({
      name: "gg_session",
      value: "abc=",
      maxAge: 3600,
      path: "/",
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
    });
  });
});
