/** How many times the sim started each prediction or training, as its journal in the database says. */
import { simStartCounts } from "../../src/providers/sim/index.ts";
import { type Database, openDatabase, ProviderJournalRepo } from "../../src/store/index.ts";

/** Read from `database`, or from the SQLite database of the data folder `dataDir`. */
export async function readSimStarts(from: string | Database): Promise<Map<string, number>> {
  const database = typeof from === "string" ? await openDatabase({ dataDir: from }) : from;
  try {
    return await simStartCounts(new ProviderJournalRepo(database.db).for("sim"));
  } finally {
    if (typeof from === "string") await database.close();
  }
}
