import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { NOW, prediction } from "../../test/support/prediction-fixture.ts";
import {
  CLIENT_STATUSES,
  clientStatus,
  PREDICTION_STATES,
  type Prediction,
  type UpstreamPhase,
} from "../core/prediction.ts";
import { PredictionsRepo } from "./predictions-repo.ts";
import { WebhookDeliveriesRepo } from "./webhook-deliveries-repo.ts";

describeEachBackend("PredictionsRepo", (open) => {
  async function repo(): Promise<PredictionsRepo> {
    const database = await open();
    return new PredictionsRepo(database.db, database.dialect);
  }

  describe("endedWithoutCompletedWebhook", () => {
    it("finds recently ended predictions with a webhook whose completed delivery was never queued", async () => {
      const database = await open();
      const predictions = new PredictionsRepo(database.db, database.dialect);
      const deliveries = new WebhookDeliveriesRepo(database.db, database.dialect);
      const ended = { state: "succeeded" as const, completedAt: NOW, webhook: "https://hooks.example.com/x" };
      const missed = prediction(ended);
      const delivered = prediction(ended);
      const tooOld = prediction({ ...ended, completedAt: NOW - 10_000 });
      const noWebhook = prediction({ ...ended, webhook: null });
      const running = prediction({ ...ended, state: "running", completedAt: null });
      for (const p of [missed, delivered, tooOld, noWebhook, running]) await predictions.insert(p);
      await deliveries.insert({
        id: "msg_1",
        subjectId: delivered.id,
        event: "completed",
        url: "https://hooks.example.com/x",
        payload: "{}",
        state: "delivered",
        attempts: 1,
        nextAttemptAt: NOW,
        lastStatus: 200,
        lastError: null,
        createdAt: NOW,
        tokenId: delivered.tokenId,
      });
      const found = await predictions.endedWithoutCompletedWebhook(NOW - 1_000, 10);
      expect(found.map((p) => p.id)).toEqual([missed.id]);
    });
  });

  describe("insert and get", () => {
    it("round-trips every field, JSON and timestamps included", async () => {
      const predictions = await repo();
      const now = Date.now();
      const p = prediction({
        output: [{ url: "https://example.com/a.png", meta: { w: 1024, h: null } }, "text"],
        operation: { jobId: "abc", poll: { after: 3, urls: ["x", "y"] }, flag: true },
        logs: "step 1\nstep 2\n",
        error: "boom",
        state: "running",
        upstreamPhase: "processing",
        attempts: 3,
        webhook: "https://hooks.example.com/x",
        webhookEventsFilter: ["start", "completed"],
        tokenId: "tok1",
        createdAt: now,
        startedAt: now + 1,
        completedAt: now + 2,
        nextCheckAt: now + 3,
        deadlineAt: now + 4,
        cancelRequestedAt: now + 5,
        metrics: { predict_time: 1.25, total_time: 2.5 },
        streaming: true,
        priority: 7,
        warnings: ["sampler dropped: the Flux worker does not take it"],
      });
      await predictions.insert(p);
      // toEqual also checks the timestamps came back as numbers, not strings
      expect(await predictions.get(p.id)).toEqual({ ...p, upstreamId: null, submitId: null });
    });

    it("round-trips null and scalar JSON and stores the upstream and submit ids", async () => {
      const predictions = await repo();
      const p = prediction();
      await predictions.insert({ ...p, upstreamId: "up-1", submitId: "sub-1" });
      expect(await predictions.get(p.id)).toEqual({ ...p, upstreamId: "up-1", submitId: "sub-1" });
      for (const output of ["just text", 42, false, [], {}]) {
        const q = prediction({ output, operation: output });
        await predictions.insert(q);
        expect(await predictions.get(q.id)).toMatchObject({ output, operation: output });
      }
    });

    it("returns null for an unknown id and rejects a duplicate id", async () => {
      const predictions = await repo();
      expect(await predictions.get("nope")).toBeNull();
      const p = prediction();
      await predictions.insert(p);
      await expect(predictions.insert(p)).rejects.toThrow();
    });
  });

  describe("list", () => {
    it("pages newest first with a keyset cursor, ties broken by id", async () => {
      const predictions = await repo();
      const inserted: Prediction[] = [];
      for (let i = 0; i < 25; i++) {
        // groups of three share a createdAt, so the id decides their order
        const p = prediction({ createdAt: NOW + Math.floor(i / 3) });
        inserted.push(p);
        await predictions.insert(p);
      }
      const expected = [...inserted]
        .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
        .map((p) => p.id);

      const seen: string[] = [];
      const pageSizes: number[] = [];
      let before: { createdAt: number; id: string } | undefined;
      for (;;) {
        const page = await predictions.list({ limit: 10, ...(before ? { before } : {}) });
        if (page.length === 0) break;
        pageSizes.push(page.length);
        seen.push(...page.map((p) => p.id));
        const last = page.at(-1);
        if (last) before = { createdAt: last.createdAt, id: last.id };
      }
      expect(pageSizes).toEqual([10, 10, 5]);
      expect(seen).toEqual(expected);
    });

    it("filters by client status as clientStatus() maps each state and upstream phase", async () => {
      const predictions = await repo();
      const phases: Array<UpstreamPhase | null> = [null, "starting", "processing"];
      const rows = PREDICTION_STATES.flatMap((state) =>
        phases.map((upstreamPhase) => prediction({ state, upstreamPhase })),
      );
      for (const p of rows) await predictions.insert(p);
      for (const status of CLIENT_STATUSES) {
        const expected = rows.filter((p) => clientStatus(p.state, p.upstreamPhase) === status);
        const found = await predictions.list({ statuses: [status], limit: 100 });
        expect(found.map((p) => p.id).sort(), status).toEqual(expected.map((p) => p.id).sort());
      }
      const running = await predictions.list({ statuses: ["starting", "processing"], limit: 100 });
      expect(running).toHaveLength(
        rows.filter((p) => !["succeeded", "failed", "canceled"].includes(p.state)).length,
      );
      expect(await predictions.list({ statuses: [], limit: 100 })).toEqual([]);
    });

    it("filters by model together with token, status and cursor", async () => {
      const predictions = await repo();
      const mine = (createdAt: number, overrides: Partial<Prediction> = {}) =>
        prediction({ tokenId: "a", model: "sim/image", state: "succeeded", createdAt, ...overrides });
      const newest = mine(NOW + 3);
      const middle = mine(NOW + 2);
      const oldest = mine(NOW + 1);
      const otherModel = mine(NOW + 4, { model: "sim/text" });
      const failed = mine(NOW + 5, { state: "failed" });
      const theirs = mine(NOW + 6, { tokenId: "b" });
      for (const p of [newest, middle, oldest, otherModel, failed, theirs]) await predictions.insert(p);
      const filter = { tokenId: "a", model: "sim/image", statuses: ["succeeded"] as const };
      const first = await predictions.list({ ...filter, limit: 2 });
      expect(first.map((p) => p.id)).toEqual([newest.id, middle.id]);
      const before = { createdAt: middle.createdAt, id: middle.id };
      expect((await predictions.list({ ...filter, limit: 2, before })).map((p) => p.id)).toEqual([oldest.id]);
      expect((await predictions.list({ model: "sim/text", limit: 10 })).map((p) => p.id)).toEqual([
        otherModel.id,
      ]);
      expect(await predictions.list({ model: "sim/none", limit: 10 })).toEqual([]);
    });

    it("filters by token", async () => {
      const predictions = await repo();
      const mine = prediction({ tokenId: "a", createdAt: NOW + 1 });
      const older = prediction({ tokenId: "a" });
      const theirs = prediction({ tokenId: "b" });
      for (const p of [mine, older, theirs]) await predictions.insert(p);
      expect((await predictions.list({ tokenId: "a", limit: 10 })).map((p) => p.id)).toEqual([
        mine.id,
        older.id,
      ]);
      expect(await predictions.list({ limit: 10 })).toHaveLength(3);
      expect(await predictions.list({ tokenId: "c", limit: 10 })).toEqual([]);
    });
  });

  describe("transition", () => {
    it("applies the patch when the state matches and returns the new row", async () => {
      const predictions = await repo();
      const p = prediction({ state: "submitting", operation: { keep: true }, error: "old" });
      await predictions.insert(p);
      const updated = await predictions.transition(p.id, ["submitting"], {
        state: "running",
        upstreamPhase: "starting",
        upstreamId: "job-9",
        submitId: "sub-9",
        startedAt: NOW + 10,
        attempts: 1,
        error: null,
        metrics: { predict_time: 0.5 },
      });
      expect(updated).toEqual({
        ...p,
        state: "running",
        upstreamPhase: "starting",
        upstreamId: "job-9",
        submitId: "sub-9",
        startedAt: NOW + 10,
        attempts: 1,
        error: null,
        metrics: { predict_time: 0.5 },
      });
      expect(await predictions.get(p.id)).toEqual(updated);
    });

    it("sets JSON columns and clears them with null", async () => {
      const predictions = await repo();
      const p = prediction({ state: "running", operation: { id: 1 } });
      await predictions.insert(p);
      const done = await predictions.transition(p.id, ["running"], {
        state: "succeeded",
        output: { images: ["a", "b"], nested: { deep: [null, { x: 1 }] } },
        operation: null,
      });
      expect(done?.output).toEqual({ images: ["a", "b"], nested: { deep: [null, { x: 1 }] } });
      expect(done?.operation).toBeNull();
    });

    it("returns null and changes nothing when the state does not match", async () => {
      const predictions = await repo();
      const p = prediction({ state: "succeeded" });
      await predictions.insert(p);
      expect(await predictions.transition(p.id, ["queued", "running"], { state: "failed" })).toBeNull();
      expect(await predictions.transition(p.id, [], { state: "failed" })).toBeNull();
      expect(await predictions.transition("missing", ["queued"], { state: "failed" })).toBeNull();
      expect((await predictions.get(p.id))?.state).toBe("succeeded");
    });

    it("lets exactly one of two concurrent transitions from the same state win", async () => {
      const database = await open();
      const other = await database.reopen();
      const a = new PredictionsRepo(database.db, database.dialect);
      const b = new PredictionsRepo(other.db, other.dialect);
      for (let round = 0; round < 10; round++) {
        const p = prediction();
        await a.insert(p);
        const results = await Promise.all([
          a.transition(p.id, ["queued"], { state: "submitting", logs: "a" }),
          b.transition(p.id, ["queued"], { state: "canceled", logs: "b" }),
        ]);
        const winners = results.filter((r) => r !== null);
        expect(winners).toHaveLength(1);
        const stored = await a.get(p.id);
        expect(stored?.state).toBe(winners[0]?.state);
        expect(stored?.logs).toBe(winners[0]?.logs);
      }
    });

    it("refuses a change the state machine does not allow, before writing anything", async () => {
      const predictions = await repo();
      const queued = prediction();
      const ended = prediction({ state: "succeeded", output: ["a.png"] });
      for (const p of [queued, ended]) await predictions.insert(p);
      // queued work must be claimed (submitting) before it runs, and nothing ends twice
      await expect(predictions.transition(queued.id, ["queued"], { state: "running" })).rejects.toThrow(
        "a prediction cannot go from queued to running",
      );
      await expect(
        predictions.transition(queued.id, ["queued", "running"], { state: "submitting" }),
      ).rejects.toThrow("a prediction cannot go from running to submitting");
      await expect(
        predictions.claim(queued.id, { state: "queued", nextCheckAt: NOW }, { state: "succeeded" }),
      ).rejects.toThrow("a prediction cannot go from queued to succeeded");
      await expect(predictions.transition(ended.id, ["succeeded"], { state: "failed" })).rejects.toThrow(
        "a succeeded prediction cannot change any more",
      );
      await expect(predictions.transition(ended.id, ["succeeded"], { output: null })).rejects.toThrow(
        "a succeeded prediction cannot change any more",
      );
      expect(await predictions.get(queued.id)).toEqual({ ...queued, upstreamId: null, submitId: null });
      expect(await predictions.get(ended.id)).toEqual({ ...ended, upstreamId: null, submitId: null });
      // every transition the machine allows goes through
      expect(await predictions.transition(queued.id, ["queued"], { state: "submitting" })).not.toBeNull();
      expect(await predictions.transition(queued.id, ["submitting"], { state: "running" })).not.toBeNull();
      expect(await predictions.transition(queued.id, ["running"], { state: "queued" })).not.toBeNull();
    });

    it("with an empty patch only reports whether the guard held", async () => {
      const predictions = await repo();
      const p = prediction();
      await predictions.insert(p);
      expect(await predictions.transition(p.id, ["queued"], {})).toEqual({
        ...p,
        upstreamId: null,
        submitId: null,
      });
      expect(await predictions.transition(p.id, ["running"], {})).toBeNull();
    });
  });

  describe("a damaged row", () => {
    it("reads with stand-ins for what cannot be read, says what is damaged, and is repaired by its patch", async () => {
      const database = await open();
      const predictions = new PredictionsRepo(database.db, database.dialect);
      const damaged = prediction({ deadlineAt: NOW + 60_000 });
      const fine = prediction({ createdAt: NOW - 1 });
      for (const p of [damaged, fine]) await predictions.insert(p);
      // As an older version or a hand-made row may leave it: a time beyond 2^53 ms, JSON that does not parse.
      await sql`update predictions set deadline_at = 360001760000000000, input = '{"prompt":' where id = ${damaged.id}`.execute(
        database.db,
      );
      const read = await predictions.get(damaged.id);
      expect(read).toMatchObject({ id: damaged.id, deadlineAt: null, input: {} });
      expect(read?.damage?.reason).toBe(
        "input is not valid JSON; deadline_at 360001760000000000 is not a time",
      );
      expect((await predictions.list({ limit: 10 })).map((p) => [p.id, p.damage === undefined])).toEqual([
        [damaged.id, false],
        [fine.id, true],
      ]);
      expect((await predictions.due({ states: ["queued"], now: NOW, limit: 10 })).length).toBe(2);

      const repaired = await predictions.transition(damaged.id, ["queued"], {
        ...read?.damage?.repair,
        state: "failed",
        error: "damaged",
      });
      expect(repaired?.damage).toBeUndefined();
      expect(await predictions.get(damaged.id)).toMatchObject({
        state: "failed",
        deadlineAt: null,
        input: {},
      });
    });

    it("is never written: a time out of range is refused, naming its column", async () => {
      const predictions = await repo();
      const p = prediction();
      await expect(predictions.insert(prediction({ deadlineAt: 1e17 }))).rejects.toThrow(
        "deadline_at cannot be stored: 100000000000000000 is not a time from 1970 to 9999",
      );
      await predictions.insert(p);
      await expect(predictions.transition(p.id, ["queued"], { nextCheckAt: 9e15 })).rejects.toThrow(
        "next_check_at cannot be stored",
      );
      expect((await predictions.list({ limit: 10 })).map((row) => row.id)).toEqual([p.id]);
      expect((await predictions.get(p.id))?.nextCheckAt).toBe(NOW);
    });
  });

  describe("claim", () => {
    it("succeeds once for the expected state and nextCheckAt, then fails", async () => {
      const predictions = await repo();
      const p = prediction({ state: "running", nextCheckAt: NOW });
      await predictions.insert(p);
      const expected = { state: "running" as const, nextCheckAt: NOW };
      const [first, second] = await Promise.all([
        predictions.claim(p.id, expected, { nextCheckAt: NOW + 30_000 }),
        predictions.claim(p.id, expected, { nextCheckAt: NOW + 30_000 }),
      ]);
      expect([first, second].filter((r) => r !== null)).toHaveLength(1);
      expect((await predictions.get(p.id))?.nextCheckAt).toBe(NOW + 30_000);
      expect(await predictions.claim(p.id, expected, { nextCheckAt: NOW + 60_000 })).toBeNull();
      expect(
        await predictions.claim(p.id, { state: "queued", nextCheckAt: NOW + 30_000 }, { attempts: 1 }),
      ).toBeNull();
      const reclaimed = await predictions.claim(
        p.id,
        { state: "running", nextCheckAt: NOW + 30_000 },
        { nextCheckAt: NOW + 60_000, attempts: 2 },
      );
      expect(reclaimed).toMatchObject({ nextCheckAt: NOW + 60_000, attempts: 2, state: "running" });
    });
  });

  describe("due", () => {
    it("returns due rows in the given states by priority, nextCheckAt, createdAt", async () => {
      const predictions = await repo();
      const late = prediction({ nextCheckAt: NOW - 10, createdAt: NOW - 100 });
      const early = prediction({ nextCheckAt: NOW - 50, createdAt: NOW - 5 });
      const earlyOlder = prediction({ nextCheckAt: NOW - 50, createdAt: NOW - 6 });
      const urgent = prediction({ nextCheckAt: NOW, priority: 5 });
      const future = prediction({ nextCheckAt: NOW + 1 });
      const running = prediction({ state: "running", nextCheckAt: NOW - 1000 });
      const done = prediction({ state: "succeeded", nextCheckAt: NOW - 1000 });
      const otherProvider = prediction({ provider: "other", nextCheckAt: NOW - 500 });
      for (const p of [late, early, earlyOlder, urgent, future, running, done, otherProvider]) {
        await predictions.insert(p);
      }
      const ids = async (options: Parameters<PredictionsRepo["due"]>[0]) =>
        (await predictions.due(options)).map((p) => p.id);

      const queuedSim = [urgent.id, earlyOlder.id, early.id, late.id];
      expect(await ids({ states: ["queued"], now: NOW, limit: 10, provider: "sim" })).toEqual(queuedSim);
      const firstTwo = [urgent.id, running.id];
      expect(await ids({ states: ["queued", "running"], now: NOW, limit: 2 })).toEqual(firstTwo);
      const other = [otherProvider.id];
      expect(await ids({ states: ["queued"], now: NOW, limit: 10, provider: "other" })).toEqual(other);
      expect(await ids({ states: [], now: NOW, limit: 10 })).toEqual([]);
    });
  });

  describe("findByUpstreamId", () => {
    it("finds by provider and upstream id", async () => {
      const predictions = await repo();
      const p = prediction({ state: "submitting" });
      await predictions.insert(p);
      await predictions.transition(p.id, ["submitting"], { state: "running", upstreamId: "up-7" });
      expect((await predictions.findByUpstreamId("sim", "up-7"))?.id).toBe(p.id);
      expect(await predictions.findByUpstreamId("other", "up-7")).toBeNull();
      expect(await predictions.findByUpstreamId("sim", "up-8")).toBeNull();
    });
  });

  describe("countByState", () => {
    it("counts every state, zero when absent, optionally per provider", async () => {
      const predictions = await repo();
      const zero = Object.fromEntries(PREDICTION_STATES.map((s) => [s, 0]));
      expect(await predictions.countByState()).toEqual(zero);
      await predictions.insert(prediction());
      await predictions.insert(prediction());
      await predictions.insert(prediction({ state: "running" }));
      await predictions.insert(prediction({ state: "failed", provider: "other" }));
      expect(await predictions.countByState()).toEqual({ ...zero, queued: 2, running: 1, failed: 1 });
      expect(await predictions.countByState("sim")).toEqual({ ...zero, queued: 2, running: 1 });
      expect(await predictions.countByState("nobody")).toEqual(zero);
    });
  });
});
