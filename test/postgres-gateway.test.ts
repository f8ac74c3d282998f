/** The whole gateway on PostgreSQL: the same engine and API as on SQLite, through the official client. */
import Replicate from "replicate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgUnavailable, REQUIRE_BACKENDS } from "./support/backends.ts";
import { startGateway, type TestGateway } from "./support/gateway.ts";
import { createPostgresSchema, type PostgresSchema } from "./support/postgres-schema.ts";

const skip = pgUnavailable !== undefined && !REQUIRE_BACKENDS;
describe.skipIf(skip)("gateway on PostgreSQL", () => {
  let gateway: TestGateway;
  let replicate: Replicate;
  let schema: PostgresSchema;

  beforeAll(async () => {
    schema = await createPostgresSchema();
    gateway = await startGateway({ DATABASE_URL: schema.databaseUrl, GENGATE_SIM_LATENCY: "20" });
    replicate = new Replicate({ auth: gateway.token, baseUrl: `${gateway.url}/v1` });
  });

  afterAll(async () => {
    await gateway?.close();
    await schema?.drop();
  });

  it("keeps its rows in PostgreSQL", () => {
    expect(gateway.store.database.dialect).toBe("postgres");
  });

  it("runs, lists and cancels predictions", async () => {
    const outputs = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        replicate.run("sim/image", { input: { prompt: `pg ${i}`, width: 64, height: 64 } }),
      ),
    );
    expect(outputs.every((output) => Array.isArray(output) && output.length === 1)).toBe(true);
    const slow = await replicate.predictions.create({
      model: "sim/image",
      input: { prompt: "x", latency_ms: 60_000 },
    });
    expect((await replicate.predictions.cancel(slow.id)).status).toBe("canceled");
    const page = await replicate.predictions.list();
    expect(page.results).toHaveLength(21);
    expect(page.results[0]?.id).toBe(slow.id);
  });
});
