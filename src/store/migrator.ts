/** Runs the migrations listed here, in name order, on SQLite and PostgreSQL alike. */
import type { Kysely } from "kysely";
import { type Migration, Migrator } from "kysely/migration";
import { initial } from "./migrations/0001-initial.ts";
import { predictionRoute } from "./migrations/0002-prediction-route.ts";
import { batches } from "./migrations/0003-batches.ts";
import { loras } from "./migrations/0004-loras.ts";
import { submitId } from "./migrations/0005-submit-id.ts";
import { tenantBoundaries } from "./migrations/0007-tenant-boundaries.ts";
import { predictionWarnings } from "./migrations/0008-prediction-warnings.ts";
import { batchItemPaths } from "./migrations/0009-batch-item-paths.ts";
import { predictionSearch } from "./migrations/0010-prediction-search.ts";
import { favorites } from "./migrations/0011-favorites.ts";
import { retention } from "./migrations/0013-retention.ts";
import { sharedLimits } from "./migrations/0014-shared-limits.ts";
import { telegram } from "./migrations/0015-telegram.ts";
import { providerJournal } from "./migrations/0016-provider-journal.ts";
import { sharedEngineState } from "./migrations/0017-shared-engine-state.ts";
import { tenantsAndBudgets } from "./migrations/0018-tenants-and-budgets.ts";
import { traceParents } from "./migrations/0019-trace-parents.ts";
import { liveRowIndexes } from "./migrations/0020-live-row-indexes.ts";
import { createdModels } from "./migrations/0021-created-models.ts";
import { sparseIndexes } from "./migrations/0022-sparse-indexes.ts";
import { searchRows } from "./migrations/0023-search-rows.ts";
import type { DB } from "./schema.ts";

const MIGRATIONS: Record<string, Migration> = {
  "0001-initial": initial,
  "0002-prediction-route": predictionRoute,
  "0003-batches": batches,
  "0004-loras": loras,
  "0005-submit-id": submitId,
  "0007-tenant-boundaries": tenantBoundaries,
  "0008-prediction-warnings": predictionWarnings,
  "0009-batch-item-paths": batchItemPaths,
  "0010-prediction-search": predictionSearch,
  "0011-favorites": favorites,
  "0013-retention": retention,
  "0014-shared-limits": sharedLimits,
  "0015-telegram": telegram,
  "0016-provider-journal": providerJournal,
  "0017-shared-engine-state": sharedEngineState,
  "0018-tenants-and-budgets": tenantsAndBudgets,
  "0019-trace-parents": traceParents,
  "0020-live-row-indexes": liveRowIndexes,
  "0021-created-models": createdModels,
  "0022-sparse-indexes": sparseIndexes,
  "0023-search-rows": searchRows,
};

/** Tries of a migration that another schema's removal interrupted. */
const TRIES = 5;

/**
 * Applies pending migrations. On PostgreSQL pass `schema` so Kysely's bookkeeping tables are
 * looked up there only, not in whichever schema of the database happens to have them.
 */
export async function migrateToLatest(db: Kysely<DB>, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  for (let attempt = 1; ; attempt++) {
    const error = await migrator.migrateToLatest().then(
      (result) => result.error,
      (thrown: unknown) => thrown,
    );
    if (error === undefined) return;
    if (attempt >= TRIES || !isOtherSchemaDropped(error, schema)) throw error;
  }
}

/**
 * Kysely looks for its bookkeeping tables by listing the tables of every schema of the database:
 * a schema that another deployment (or test) drops meanwhile fails the listing, not the migration,
 * which is then simply tried again. The migrations themselves run under Kysely's lock.
 */
function isOtherSchemaDropped(error: unknown, schema: string | undefined): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    code === "3F000" &&
    typeof message === "string" &&
    (schema === undefined || !message.includes(`"${schema}"`))
  );
}
