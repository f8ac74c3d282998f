/**
 * One number must not stop the gateway: durations and numbers that would reach a timestamp or a
 * column out of range are refused with a 400/422 naming them before anything is written, and a bad
 * row already in the database (written by hand or by an older version) is failed with the reason
 * while every other prediction goes on. On SQLite and on PostgreSQL.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prediction } from "../src/core/prediction.ts";
import { predictionRow } from "../src/store/prediction-row.ts";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { createPostgresSchema, type PostgresSchema } from "./support/postgres-schema.ts";
import { prediction } from "./support/prediction-fixture.ts";
import { until } from "./support/until.ts";

const SMALL = { prompt: "x", width: 64, height: 64 };
/** 99999999999 hours from now in ms: beyond 2^53, so SQLite cannot even hand it back as a number. */
const BEYOND_SAFE_INTEGERS = "360001760000000000";

interface Problem {
  status: number;
  detail: string;
  invalid_fields?: { field: string }[];
}

const backends = [
  { name: "sqlite", skip: false },
  { name: "postgres", skip: pgUnavailable !== undefined && !REQUIRE_BACKENDS },
] as const;

for (const backend of backends) {
  describe.skipIf(backend.skip)(`bounded numbers [${backend.name}]`, () => {
    let gateway: TestGateway;
    let schema: PostgresSchema | undefined;

    beforeAll(async () => {
      schema = backend.name === "postgres" ? await createPostgresSchema() : undefined;
      gateway = await startGateway(schema ? { DATABASE_URL: schema.databaseUrl } : {});
    });
    afterAll(async () => {
      await gateway?.close();
      await schema?.drop();
    });

    const countRows = async () => {
      const counts = await gateway.store.predictions.countByState();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    };
    const create = (headers: Record<string, string>, input: Record<string, unknown> = SMALL) =>
      gateway.api("/v1/models/sim/image/predictions", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ input }),
      });

    it("refuses huge durations, cursors and counts with a 4xx naming them, writing nothing", async () => {
      const before = await countRows();
      for (const cancelAfter of ["99999999999h", "2500000000h", "169h", `1${"0".repeat(400)}s`]) {
        const response = await create({ "cancel-after": cancelAfter });
        expect(response.status, cancelAfter).toBe(400);
        expect(((await response.json()) as Problem).detail).toContain("Cancel-After must be a duration");
      }
      const wait = await create({ prefer: `wait=${"9".repeat(30)}` });
      expect(wait.status).toBe(400);
      expect(((await wait.json()) as Problem).detail).toContain("Prefer header");
      expect(await countRows()).toBe(before);

      for (const createdAt of [1e20, 1.5, -1]) {
        const cursor = Buffer.from(JSON.stringify([createdAt, "x"])).toString("base64url");
        const page = await gateway.api(`/v1/predictions?cursor=${cursor}`);
        expect(page.status, String(createdAt)).toBe(400);
        expect(((await page.json()) as Problem).detail).toContain("cursor");
      }

      const batch = await gateway.api("/v1/batches", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "sim/image", items: [{ input: SMALL }], concurrency: 2 ** 31 }),
      });
      expect(batch.status).toBe(422);
      expect(((await batch.json()) as Problem).invalid_fields?.map((f) => f.field)).toEqual(["concurrency"]);
      expect(await countRows()).toBe(before);

      const longest = await create({ "cancel-after": "168h" });
      expect(longest.status).toBe(201);
    });

    it("fails a bad row found in the database with the reason, and goes on with the others", async () => {
      const { db } = gateway.store.database;
      const badRow = (overrides: Partial<Prediction>) =>
        predictionRow(prediction({ model: "sim/image", providerModel: "image", input: SMALL, ...overrides }));
      // Rows as the old gateway wrote them for `Cancel-After: 99999999999h`, and rows no process can handle.
      const hugeDeadline = badRow({ createdAt: Date.now(), nextCheckAt: Date.now() });
      const brokenJson = badRow({ state: "running", createdAt: Date.now(), nextCheckAt: Date.now() });
      const goneProvider = badRow({ state: "running", provider: "gone", createdAt: Date.now() });
      await db
        .insertInto("predictions")
        .values([
          { ...hugeDeadline, deadline_at: sql`${sql.raw(BEYOND_SAFE_INTEGERS)}` },
          { ...brokenJson, metrics: "{not json" },
          goneProvider,
        ])
        .execute();

      const others = await Promise.all(
        Array.from({ length: 3 }, async (_, i) => {
          const response = await create({ prefer: "wait" }, { ...SMALL, prompt: `other ${i}` });
          expect(response.status).toBe(201);
          return (await response.json()) as { status: string };
        }),
      );
      expect(others.map((p) => p.status)).toEqual(["succeeded", "succeeded", "succeeded"]);

      const ended = (id: string) =>
        until(async () => {
          const row = await gateway.engine.get(id);
          return row.state === "failed" ? row : undefined;
        }, 10_000);
      expect((await ended(hugeDeadline.id)).error).toBe(
        `gengate could not start this prediction: its stored row is damaged: deadline_at ${BEYOND_SAFE_INTEGERS} is not a time`,
      );
      expect((await ended(brokenJson.id)).error).toBe(
        "gengate could not follow this prediction: its stored row is damaged: metrics is not valid JSON",
      );
      expect((await ended(goneProvider.id)).error).toMatch(
        /^gengate could not follow this prediction: .*gone/,
      );

      const list = await gateway.api("/v1/predictions");
      expect(list.status).toBe(200);
      const ids = ((await list.json()) as { results: { id: string; status: string }[] }).results.map(
        (p) => p.id,
      );
      expect(ids).toEqual(expect.arrayContaining([hugeDeadline.id, brokenJson.id, goneProvider.id]));
      const one = await gateway.api(`/v1/predictions/${hugeDeadline.id}`);
      expect(one.status).toBe(200);
      expect(await one.json()).toMatchObject({ status: "failed" });
      expect((await gateway.store.predictions.get(hugeDeadline.id))?.damage).toBeUndefined();
    });
  });
}
