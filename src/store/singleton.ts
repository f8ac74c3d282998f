/**
 * Work that must run in one process at a time (periodic sweeps, retention, a Telegram bot's long
 * polling, which Telegram refuses twice): every process that may do it calls `startSingleton`,
 * and one of them leads. On PostgreSQL the leader holds an advisory lock on a connection of its
 * own; when it dies or loses that connection the lock is freed and another process takes over
 * within `retryMs`. On SQLite the one process leads at once.
 *
 *   const sweeps = startSingleton(database, "sweeps", async (signal) => {
 *     while (!signal.aborted) { await sweep(); await sleep(30_000, signal); }
 *   });
 *   ...
 *   await sweeps.stop();
 *
 * `lead` runs for as long as this process leads; its signal aborts when leadership is lost or
 * on stop(), and it should return then. If it returns or throws, the lock is let go and taken
 * again (by whichever process asks first) after `retryMs`.
 */
import type pg from "pg";
import type { Database } from "./database.ts";

export interface Singleton {
  /** This process leads now. */
  readonly leading: boolean;
  /** Stops leading (aborting `lead` and waiting for it) or trying to. */
  stop(): Promise<void>;
}

export interface SingletonOptions {
  /** How often a follower asks for the lock, and a leader checks its connection. */
  retryMs?: number;
  onError?: (error: unknown) => void;
}

const DEFAULT_RETRY_MS = 2_000;

export function startSingleton(
  database: Database,
  name: string,
  lead: (signal: AbortSignal) => Promise<void>,
  options: SingletonOptions = {},
): Singleton {
  const retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  const onError = options.onError ?? (() => {});
  const stopping = new AbortController();
  let leading = false;

  const runLead = async (signal: AbortSignal) => {
    // Stopped while the lock was being taken: `lead` would never hear of it.
    if (signal.aborted) return;
    leading = true;
    try {
      await lead(signal);
    } catch (error) {
      onError(error);
    } finally {
      leading = false;
    }
  };

  const loop = async () => {
    if (!database.connect) {
      await runLead(stopping.signal);
      return;
    }
    const key = `${database.schema ?? "public"}:singleton:${name}`;
    while (!stopping.signal.aborted) {
      const client = await database.connect().catch((error: unknown) => {
        onError(error);
        return undefined;
      });
      if (client) {
        // end() on a connection the server already closed would never resolve.
        let ended = false;
        client.once("end", () => {
          ended = true;
        });
        try {
          if (await tryLock(client, key)) await holdWhileLeading(client, runLead, stopping.signal, retryMs);
        } catch (error) {
          onError(error);
        } finally {
          if (!ended) await client.end().catch(() => {});
        }
      }
      await sleep(retryMs, stopping.signal);
    }
  };

  const running = loop();
  return {
    get leading() {
      return leading;
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

async function tryLock(client: pg.Client, key: string): Promise<boolean> {
  const { rows } = await client.query<{ got: boolean }>(
    "select pg_try_advisory_lock(hashtextextended($1, 0)) as got",
    [key],
  );
  return rows[0]?.got === true;
}

/** Runs `lead` while the lock's connection lives (checked every `retryMs`) and nobody stops it. */
async function holdWhileLeading(
  client: pg.Client,
  runLead: (signal: AbortSignal) => Promise<void>,
  stopping: AbortSignal,
  retryMs: number,
): Promise<void> {
  const lost = new AbortController();
  const signal = AbortSignal.any([lost.signal, stopping]);
  client.once("end", () => lost.abort());
  const check = setInterval(() => {
    client.query("select 1").catch(() => lost.abort());
  }, retryMs);
  try {
    await runLead(signal);
  } finally {
    clearInterval(check);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
