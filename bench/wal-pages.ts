/**
 * The pages each of a sim prediction's statements writes to SQLite's WAL: most of what SQLite
 * costs gengate is writing changed pages, not the statements' count or their commits. An
 * in-process gateway (SQLite, sim at zero latency) takes `count` predictions from one client with
 * `Prefer: wait`, checkpoints off for the measure; the WAL's growth between one statement and the
 * next is the first one's. Statements of the loops (counts, due rows) write nothing.
 * Run: node bench/wal-pages.ts [count=1000]
 */

import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { statSync } from "node:fs";
import { join } from "node:path";
import { sql } from "kysely";
import { sqlStatements } from "../src/store/statement-channel.ts";
import { startGateway } from "../test/support/gateway.ts";
import { createPrediction } from "./support/gateway-process.ts";

const COUNT = Number(process.argv[2] ?? 1000);
const WARM_UP = 50;
/** A WAL frame: its 24-byte header and one 4,096-byte page (gengate's page size). */
const FRAME_BYTES = 24 + 4096;

const gateway = await startGateway();
const walPath = join(gateway.dataDir, "gengate.db-wal");
const walBytes = () => statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;

async function createWaiting(i: number): Promise<void> {
  const input = { prompt: `pages ${i}`, width: 64, height: 64, output_format: "png" };
  const prediction = await createPrediction(gateway.url, "sim/image", input, true, gateway.token);
  if (prediction.status !== "succeeded") throw new Error(`prediction ${i} ended ${prediction.status}`);
}

/** A statement's kind: its verb and table, e.g. `insert into "spend_ledger"`. */
const kindOf = (text: string) =>
  text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/ \(.*$| (values|select|set|where) .*$/, "");

try {
  for (let i = 0; i < WARM_UP; i++) await createWaiting(i);
  await sql`pragma wal_autocheckpoint = 0`.execute(gateway.store.database.db);
  await sql`pragma wal_checkpoint(truncate)`.execute(gateway.store.database.db);

  const frames = new Map<string, number>();
  let previous: { kind: string; walBytes: number } | undefined;
  const attribute = (now: number) => {
    if (!previous) return;
    frames.set(previous.kind, (frames.get(previous.kind) ?? 0) + (now - previous.walBytes) / FRAME_BYTES);
  };
  const listener = (text: unknown) => {
    const now = walBytes();
    attribute(now);
    previous = { kind: kindOf(String(text)), walBytes: now };
  };
  subscribe(sqlStatements.name, listener);
  try {
    for (let i = 0; i < COUNT; i++) await createWaiting(WARM_UP + i);
    // the ledger row is written just after the answer
    await new Promise((resolve) => setTimeout(resolve, 200));
    attribute(walBytes());
  } finally {
    unsubscribe(sqlStatements.name, listener);
  }

  const rows = [...frames].filter(([, total]) => total > 0).sort((a, b) => b[1] - a[1]);
  const total = rows.reduce((sum, [, pages]) => sum + pages, 0);
  console.log(`\n${COUNT} sim predictions (64×64 PNG, one client, Prefer: wait), SQLite WAL pages written\n`);
  console.log("| statement | pages per prediction |\n|---|---|");
  for (const [kind, pages] of rows) console.log(`| \`${kind}\` | ${(pages / COUNT).toFixed(2)} |`);
  console.log(`| **all** | **${(total / COUNT).toFixed(2)}** |`);
} finally {
  await gateway.close();
}
