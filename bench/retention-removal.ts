/**
 * Old predictions must not slow retention: the CPU of removing an ended prediction's data (input
 * cleared, files released: RetentionRepo.remove, as the sweep does it) on a SQLite database holding
 * 1,000 ended predictions and on one holding many more, side by side as a ratio in one run.
 * Run: node bench/retention-removal.ts [old=200000] [removals=300]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/store/database.ts";
import { RetentionRepo } from "../src/store/retention-repo.ts";
import { storeOldPredictions } from "../test/support/old-predictions.ts";
import { fmt } from "./support/stats.ts";

const OLD = Number(process.argv[2] ?? 200_000);
const REMOVALS = Number(process.argv[3] ?? 300);
const SMALL = 1_000;

/** CPU ms per removal with `stored` ended predictions in the table. */
async function removalCost(stored: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "gengate-bench-retention-"));
  const database = await openDatabase({ dataDir });
  try {
    await storeOldPredictions(database.db, database.dialect, stored);
    const retention = new RetentionRepo(database.db, database.dialect);
    const step = Math.floor(stored / REMOVALS);
    const before = process.cpuUsage();
    for (let i = 0; i < REMOVALS; i++) {
      const removed = await retention.remove(`old${i * step}`, { input: {}, route: null }, Date.now());
      if (!removed) throw new Error(`old${i * step} was not removed`);
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / REMOVALS;
  } finally {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const small = await removalCost(SMALL);
const large = await removalCost(OLD);
console.log(`\nSQLite, ${REMOVALS} removals each\n`);
console.log("| ended predictions stored | CPU ms per removal |");
console.log("|---|---|");
console.log(`| ${SMALL.toLocaleString("en")} | ${fmt(small, 3)} |`);
console.log(`| ${OLD.toLocaleString("en")} | ${fmt(large, 3)} |`);
console.log(`\n${OLD.toLocaleString("en")} ÷ ${SMALL.toLocaleString("en")}: ${fmt(large / small, 2)}`);
