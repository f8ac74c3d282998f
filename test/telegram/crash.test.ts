/**
 * kill -9 of gengate while a training and a generation run for a Telegram user: after a restart
 * on the same data, the user gets each result exactly once, and nothing ran twice upstream.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jpegFiles } from "../../src/engine/training/photos/test-fixtures.ts";
import { type FakeReplicate, startFakeReplicate } from "../fakes/replicate/index.ts";
import { type FakeTelegram, makeUser, startFakeTelegram } from "../fakes/telegram/index.ts";
import { TEST_TOKEN } from "../support/gateway.ts";
import { type ServeProcess, spawnServe } from "../support/serve-process.ts";
import { botEnv, botSays, wordsOf } from "../support/telegram-gateway.ts";

let telegram: FakeTelegram;
let replicate: FakeReplicate;
let dataDir: string;
const running: ServeProcess[] = [];

beforeAll(async () => {
  telegram = await startFakeTelegram();
  replicate = await startFakeReplicate({ trainingMs: 4000, latencyMs: { min: 2500, max: 3000 } });
  dataDir = mkdtempSync(join(tmpdir(), "gengate-telegram-crash-"));
});

afterAll(async () => {
  for (const serve of running) {
    serve.child.kill("SIGKILL");
    await serve.exited;
  }
  await Promise.all([telegram?.close(), replicate?.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const started = await spawnServe({
    ...botEnv(telegram, replicate),
    GENGATE_DATA_DIR: dataDir,
    GENGATE_ADMIN_TOKEN: TEST_TOKEN,
  });
  running.push(started);
  return started;
}

const upstreamCreates = (kind: "trainings" | "predictions", prompt?: string) =>
  replicate.requests.filter(
    (r) =>
      r.method === "POST" &&
      r.path.endsWith(`/${kind}`) &&
      (prompt === undefined || (r.body as { input?: { prompt?: string } })?.input?.prompt === prompt),
  ).length;

describe("a Telegram user's jobs across a kill -9 of gengate", () => {
  it("delivers the training and the generation once each after the restart", async () => {
    const first = await serve();
    const zoe = makeUser({ first_name: "Zoe" });
    await telegram.sendAlbum(
      zoe,
      (await jpegFiles(4)).map((file) => file.data),
    );
    await botSays(telegram, zoe, (m) => /4 photos so far/.test(wordsOf(m)), "the draft");
    telegram.sendText(zoe, "/train zoe");
    await telegram.waitFor(() => upstreamCreates("trainings") === 1, {
      what: "the training upstream",
      timeout: 20_000,
    });
    telegram.sendText(zoe, "a crash-proof cat");
    await telegram.waitFor(() => upstreamCreates("predictions", "a crash-proof cat") === 1, {
      what: "the prediction upstream",
      timeout: 20_000,
    });

    first.child.kill("SIGKILL");
    await first.exited;
    await serve();

    await botSays(telegram, zoe, (m) => /zoe is ready/.test(wordsOf(m)), "the LoRA ready", 0);
    await botSays(telegram, zoe, (m) => m.photo !== undefined && m.mediaGroupId === undefined, "the cat");
    // Updates of a chat are handled in order and jobs are delivered before they stop counting as running.
    telegram.sendText(zoe, "/status");
    await botSays(telegram, zoe, (m) => wordsOf(m) === "Nothing running.", "nothing left running");

    const bot = telegram.transcript(zoe.id).filter((m) => m.sender === "bot");
    expect(bot.filter((m) => /zoe is ready/.test(wordsOf(m)))).toHaveLength(1);
    expect(bot.filter((m) => m.photo && m.mediaGroupId === undefined)).toHaveLength(1);
    expect(new Set(bot.filter((m) => m.mediaGroupId).map((m) => m.mediaGroupId)).size).toBe(1);
    expect(upstreamCreates("trainings")).toBe(1);
    expect(upstreamCreates("predictions", "a crash-proof cat")).toBe(1);
  });
});
