/**
 * Runs a whole-gateway suite once on SQLite and once on PostgreSQL (a fresh schema), as
 * backends.ts does for the store: PostgreSQL suites are skipped when no server answers, or fail
 * with GENGATE_REQUIRE_BACKENDS=1.
 */
import { afterAll, beforeAll, describe } from "vitest";
import { type BackendName, pgUnavailable, REQUIRE_BACKENDS } from "./backends.ts";
import { startGateway, type TestGateway } from "./gateway.ts";
import { createPostgresSchema, type PostgresSchema } from "./postgres-schema.ts";

const BACKENDS: BackendName[] = ["sqlite", "postgres"];

/** Declares `fn`'s tests once per backend, under `title [backend]`, with a gateway started for them. */
export function describeEachGateway(
  title: string,
  env: Record<string, string>,
  fn: (gateway: () => TestGateway, backend: BackendName) => void,
): void {
  for (const backend of BACKENDS) {
    const skip = backend === "postgres" && pgUnavailable !== undefined && !REQUIRE_BACKENDS;
    describe.skipIf(skip)(`${title} [${backend}]`, () => {
      let gateway: TestGateway | undefined;
      let schema: PostgresSchema | undefined;
      beforeAll(async () => {
        schema = backend === "postgres" ? await createPostgresSchema() : undefined;
        gateway = await startGateway({ ...env, ...(schema && { DATABASE_URL: schema.databaseUrl }) });
      });
      afterAll(async () => {
        await gateway?.close();
        await schema?.drop();
      });
      fn(() => {
        if (!gateway) throw new Error("the gateway has not started");
        return gateway;
      }, backend);
    });
  }
}
