/**
 * Events and wake-ups between two processes' links on one PostgreSQL schema: updates reach the
 * other side as rows read from the database, tokens as they are, wake-ups wake its loops; after
 * its listening connection broke, a listener is handed what it missed, read from the database.
 */
import pg from "pg";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { backends, pgUnavailable, REQUIRE_BACKENDS } from "../../../test/support/backends.ts";
import { PG_URL } from "../../../test/support/postgres-schema.ts";
import { prediction } from "../../../test/support/prediction-fixture.ts";
import { until } from "../../../test/support/until.ts";
import { createStore } from "../../store/index.ts";
import type { PredictionEvent } from "../events.ts";
import { ClusterLink } from "./cluster-link.ts";
import { PgEventBus } from "./pg-event-bus.ts";
import { PgWorkSignals } from "./pg-work-signals.ts";

const postgres = backends.find((backend) => backend.name === "postgres");
const logger = pino({ level: "silent" });

async function twoProcesses() {
  const database = await postgres?.open();
  if (!database) throw new Error("no PostgreSQL backend");
  const other = await database.reopen();
  const sender = new ClusterLink(database, logger);
  const listener = new ClusterLink(other, logger);
  await listener.start();
  const store = createStore(other);
  return {
    store,
    schema: database.schema ?? "",
    sent: {
      link: sender,
      bus: new PgEventBus(sender, createStore(database)),
      signals: new PgWorkSignals(sender),
    },
    heard: { link: listener, bus: new PgEventBus(listener, store), signals: new PgWorkSignals(listener) },
    async close() {
      await sender.close();
      await listener.close();
    },
  };
}

describe.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)("PgEventBus and PgWorkSignals", () => {
  it("hand another process's listeners updates as rows from the database, tokens in order, and wake-ups", async () => {
    const { store, sent, heard, close } = await twoProcesses();
    try {
      const row = prediction({ state: "running", logs: "from the database" });
      await store.predictions.insert(row);
      const events: PredictionEvent[] = [];
      heard.bus.subscribe(row.id, (event) => events.push(event));
      let woken = 0;
      heard.signals.onWake("dispatch", () => woken++);
      sent.signals.wake("dispatch");
      for (let i = 0; i < 3; i++) sent.bus.publish(row.id, { type: "token", index: i, data: `t${i}` });
      sent.bus.publish(row.id, { type: "update", prediction: { ...row, logs: "as the sender had it" } });
      await until(() => (events.length === 4 && woken === 1 ? true : undefined), 5_000);
      expect(events.slice(0, 3)).toEqual([0, 1, 2].map((i) => ({ type: "token", index: i, data: `t${i}` })));
      expect(events[3]).toMatchObject({
        type: "update",
        prediction: { id: row.id, logs: "from the database" },
      });
      expect(heard.bus.tokensSoFar(row.id)).toEqual(["t0", "t1", "t2"]);
    } finally {
      await close();
    }
  });

  it("reads every channel listened to again once its broken listening connection is back", async () => {
    const { store, schema, sent, heard, close } = await twoProcesses();
    try {
      const row = prediction({ state: "running" });
      await store.predictions.insert(row);
      const updates: PredictionEvent[] = [];
      heard.bus.subscribe(row.id, (event) => updates.push(event));
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        const listening = `listen "gengate:${schema}"`;
        const { rowCount } = await admin.query(
          "select pg_terminate_backend(pid) from pg_stat_activity where query = $1",
          [listening],
        );
        expect(rowCount).toBe(1);
        await until(async () => {
          const { rows } = await admin.query("select 1 from pg_stat_activity where query = $1", [listening]);
          return rows.length === 0 ? true : undefined;
        });
      } finally {
        await admin.end();
      }
      // Sent while nobody listens: lost, as a message to a process that is restarting its connection.
      await store.predictions.transition(row.id, ["running"], {
        state: "succeeded",
        completedAt: Date.now(),
      });
      sent.bus.publish(row.id, { type: "update", prediction: { ...row, state: "succeeded" } });
      const update = await until(() => updates.find((event) => event.type === "update"), 10_000);
      expect(update).toMatchObject({ prediction: { id: row.id, state: "succeeded" } });
      await until(() => (heard.link.healthy ? true : undefined), 10_000);
    } finally {
      await close();
    }
  });
});
