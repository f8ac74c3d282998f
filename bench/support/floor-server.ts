/**
 * The floor of the CPU benchmark: the work a sim prediction cannot go without, and nothing more. A
 * `node:http` server that, for each request, reads its JSON, renders the sim's picture with
 * gengate's own pattern and PNG encoder, stores it with gengate's local-disk driver (hashed, written
 * by a temporary name and renamed into its shard folder), runs on gengate's schema
 * (migrated by gengate) the five statements gengate makes for a sim prediction, each its own
 * transaction, and answers the prediction as JSON. No engine, router, validation, authentication,
 * signed links, metrics or traces.
 *
 * The statements are gengate's SQL as it ran it (2026-12-07; test/statements-per-prediction.test.ts
 * counts them), reduced to the tables and columns they touch: the claimed insert, the sim's journal
 * entry, the retention hold, the end and the ledger row.
 * Run: node bench/support/floor-server.ts <data folder>; says "ready <port>".
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { patternPixels } from "../../src/providers/sim/image-pattern.ts";
import { pngFile } from "../../src/providers/sim/png-file.ts";
import { LocalStorage } from "../../src/storage/local-storage.ts";
import { openDatabase } from "../../src/store/index.ts";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: floor-server.ts <data folder>");
await (await openDatabase({ dataDir })).close();
const database = new DatabaseSync(join(dataDir, "gengate.db"));
for (const pragma of ["journal_mode = WAL", "synchronous = NORMAL", "busy_timeout = 5000"])
  database.exec(`PRAGMA ${pragma}`);

const insertClaimed = database.prepare(`
  insert into predictions (id, model, version, provider, provider_model, input, logs, state,
    submit_id, attempts, token_id, created_at, next_check_at, deadline_at, metrics, streaming, priority)
  select ?, 'sim/image', 'floor', 'sim', 'image', ?, '', case when room.free then 'submitting' else 'queued' end,
    case when room.free then ? end, case when room.free then 1 else 0 end, 'floor', ?, ?,
    case when room.free then ? end, '{}', 0, 0
  from (select not exists (select 1 from predictions where provider = 'sim' and state = 'queued')
    and (select count(*) from predictions where provider = 'sim' and state in ('submitting', 'unconfirmed', 'running'))
      < 256 as free) as room
  returning state`);
const appendJournal = database.prepare(
  `insert into provider_journal (provider, kind, work_id, upstream_id, body, at) values ('sim', 'start', ?, ?, ?, ?)`,
);
const holdFile = database.prepare(`
  insert into prediction_files (storage_key, prediction_id) values (?, ?)
  on conflict (storage_key, prediction_id) do update set storage_key = excluded.storage_key
  returning exists (select storage_key from blob_removals where storage_key = ?) as being_deleted`);
const end = database.prepare(`
  update predictions set state = 'succeeded', upstream_phase = 'processing', upstream_id = ?,
    operation = ?, output = ?, logs = ?, started_at = ?, completed_at = ?, retain_until = ? + retention_ms,
    next_check_at = ?, metrics = ?
  where id = ? and state in ('submitting') returning *`);
const ledger = database.prepare(`
  insert into spend_ledger (prediction_id, run, kind, provider, provider_model, model, token_id, cost,
    predict_time, at, tenant_id)
  select ?, 0, 'prediction', 'sim', 'image', 'sim/image', 'floor', 0, 0, ?,
    (select tenant_id from api_tokens where id = 'floor')
  where not exists (select prediction_id from budget_holds where prediction_id = ?)
  on conflict (prediction_id, run) do nothing returning prediction_id`);

const files = new LocalStorage(join(dataDir, "files"));
const idPrefix = randomBytes(6).toString("hex");
let predictions = 0;

interface SimInput {
  prompt: string;
  width: number;
  height: number;
}

async function predict(input: SimInput): Promise<Record<string, unknown>> {
  const id = `${idPrefix}${(predictions++).toString(36)}`;
  const createdAt = Date.now();
  const inputJson = JSON.stringify(input);
  insertClaimed.all(id, inputJson, id, createdAt, createdAt + 30_000, createdAt);
  const seed = predictions;
  const upstreamId = `sim_${id}`;
  const operation = JSON.stringify({ provider: "sim", upstreamId, seed, startedAt: createdAt, ...input });
  appendJournal.run(id, upstreamId, operation, createdAt);
  const file = pngFile(
    patternPixels(input.prompt, seed, input.width, input.height),
    input.width,
    input.height,
  );
  const { key } = await files.put(file, "png");
  holdFile.all(key, id, key);
  const completedAt = Date.now();
  const metrics = JSON.stringify({ predict_time: 0, total_time: (completedAt - createdAt) / 1000 });
  const [row] = end.all(
    upstreamId,
    operation,
    JSON.stringify([{ $file: key }]),
    `Using seed: ${seed}\n`,
    createdAt,
    completedAt,
    completedAt,
    completedAt,
    metrics,
    id,
  );
  ledger.all(id, completedAt, id);
  return {
    id,
    model: "sim/image",
    input,
    output: [`/files/${key}`],
    status: row?.state,
    created_at: new Date(createdAt).toISOString(),
    completed_at: new Date(completedAt).toISOString(),
    metrics: JSON.parse(metrics),
  };
}

const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", async () => {
    const { input } = JSON.parse(Buffer.concat(chunks).toString()) as { input: SimInput };
    const body = JSON.stringify(await predict(input));
    response.writeHead(201, { "content-type": "application/json" });
    response.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.stdin.on("end", () => {
  server.close();
  database.close();
});
process.stdin.resume();
