/** Listing predictions by the words of their input and by every other filter, on SQLite and PostgreSQL. */
import { sql } from "kysely";
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { NOW, prediction } from "../../test/support/prediction-fixture.ts";
import type { Prediction } from "../core/prediction.ts";
import { searchWords } from "../core/search-words.ts";
import { predictionSearch } from "./migrations/0010-prediction-search.ts";
import { searchRows } from "./migrations/0023-search-rows.ts";
import { type ListPredictionsOptions, PredictionsRepo } from "./predictions-repo.ts";
import { SEARCH_BATCH } from "./search-backlog.ts";

describeEachBackend("PredictionsRepo search and filters", (open) => {
  async function repoWith(rows: Prediction[]) {
    const database = await open();
    const predictions = new PredictionsRepo(database.db, database.dialect);
    for (const row of rows) await predictions.insert(row);
    return { database, predictions };
  }

  const idsOf = (rows: Prediction[]) => rows.map((p) => p.id).sort();

  it("finds predictions by the words of their input's strings: any case, word starts, every word", async () => {
    const barn = prediction({ input: { prompt: "A Red BARN at dusk", steps: 4 } });
    const fox = prediction({ input: { prompt: "a red fox", style: { name: "watercolour" } } });
    const bare = prediction({ input: { prompt: "nothing here", seed: 1234 } });
    const { predictions } = await repoWith([barn, fox, bare]);
    const search = async (text: string) =>
      (await predictions.list({ words: searchWords(text), limit: 10 })).map((p) => p.id).sort();

    expect(await search("red")).toEqual(idsOf([barn, fox]));
    expect(await search("barn")).toEqual([barn.id]);
    expect(await search("RED   fox!")).toEqual([fox.id]);
    expect(await search("water")).toEqual([fox.id]);
    expect(await search("red cow")).toEqual([]);
    // keys and numbers are not text of the input
    expect(await search("prompt")).toEqual([]);
    expect(await search("1234")).toEqual([]);
  });

  it("searches an input rewritten after insert by its new words only", async () => {
    const p = prediction({ state: "queued", input: { prompt: "first words" } });
    const { predictions } = await repoWith([p]);
    await predictions.transition(p.id, ["queued"], { input: { prompt: "second thoughts" } });
    expect(await predictions.list({ words: ["first"], limit: 10 })).toEqual([]);
    expect((await predictions.list({ words: ["thoughts"], limit: 10 })).map((row) => row.id)).toEqual([p.id]);
  });

  it("indexes the rows that existed before the search migration ran", async () => {
    const old = prediction({ input: { prompt: "an old lighthouse" } });
    const { database, predictions } = await repoWith([]);
    const { db } = database;
    // Back to the schema before the migration, with a row in it, then the migration again.
    if (database.dialect === "sqlite") {
      for (const name of ["insert", "update", "delete"])
        await sql.raw(`drop trigger predictions_search_${name}`).execute(db);
      await sql`drop table predictions_search`.execute(db);
      await sql`drop table predictions_search_rows`.execute(db);
      await sql`drop table predictions_search_backlog`.execute(db);
    } else {
      await sql`drop index predictions_search`.execute(db);
      await sql`drop function predictions_search_vector(text)`.execute(db);
    }
    await predictions.insert(old);
    await predictionSearch.up(db);
    await searchRows.up(db);
    const found = async (word: string) =>
      (await predictions.list({ words: [word], limit: 10 })).map((p) => p.id);
    expect(await found("lighthouse")).toEqual([old.id]);
    // and its words are found again when its input changes, as for a row stored since
    await sql`update predictions set input = ${JSON.stringify({ prompt: "a harbour" })} where id = ${old.id}`.execute(
      db,
    );
    expect(await found("lighthouse")).toEqual([]);
    expect(await found("harbour")).toEqual([old.id]);
  });

  it("indexes new predictions in batches, and before a search those not indexed yet, a crash's too", async () => {
    const { database, predictions } = await repoWith([]);
    const sqlite = database.dialect === "sqlite";
    const count = async (table: string) =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]
          ?.n,
      );
    const rows = Array.from({ length: SEARCH_BATCH + 10 }, (_, i) =>
      prediction({ input: { prompt: `kite ${i}` } }),
    );
    for (const row of rows) await predictions.insert(row);
    if (sqlite)
      expect([await count("predictions_search_rows"), await count("predictions_search_backlog")]).toEqual([
        SEARCH_BATCH,
        10,
      ]);
    // A new process over the same database (this one stopped without indexing its last ten)
    const reopened = new PredictionsRepo((await database.reopen()).db, database.dialect);
    expect(idsOf(await reopened.list({ words: ["kite"], limit: 1_000 }))).toEqual(idsOf(rows));
    if (sqlite) expect(await count("predictions_search_backlog")).toBe(0);
  });

  it("leaves no words of a deleted prediction, and the others' where they were", async () => {
    const gone = prediction({ input: { prompt: "a red kite" } });
    const kept = prediction({ input: { prompt: "a red balloon" } });
    const { database, predictions } = await repoWith([gone, kept]);
    await sql`delete from predictions where id = ${gone.id}`.execute(database.db);
    expect((await predictions.list({ words: ["red"], limit: 10 })).map((p) => p.id)).toEqual([kept.id]);
    if (database.dialect === "sqlite") {
      const { rows } = await sql<{ id: string }>`select id from predictions_search union all
        select id from predictions_search_rows`.execute(database.db);
      expect(rows.map((row) => row.id)).toEqual([kept.id, kept.id]);
    }
  });

  it("combines provider, token, model, status, time range and words, paging oldest first", async () => {
    const base = { provider: "replicate", tokenId: "a", model: "sim/image", state: "succeeded" as const };
    const wanted = Array.from({ length: 7 }, (_, i) =>
      // pairs share a creation time, so the id breaks ties
      prediction({ ...base, createdAt: NOW + 10 + Math.floor(i / 2), input: { prompt: `a castle ${i}` } }),
    );
    const others = [
      prediction({ ...base, provider: "fal", createdAt: NOW + 11, input: { prompt: "a castle" } }),
      prediction({ ...base, tokenId: "b", createdAt: NOW + 11, input: { prompt: "a castle" } }),
      prediction({ ...base, model: "sim/text", createdAt: NOW + 11, input: { prompt: "a castle" } }),
      prediction({ ...base, state: "failed", createdAt: NOW + 11, input: { prompt: "a castle" } }),
      prediction({ ...base, createdAt: NOW + 9, input: { prompt: "a castle too early" } }),
      prediction({ ...base, createdAt: NOW + 20, input: { prompt: "a castle too late" } }),
      prediction({ ...base, createdAt: NOW + 11, input: { prompt: "a cottage" } }),
    ];
    const { predictions } = await repoWith([...others, ...wanted]);
    const filters: ListPredictionsOptions = {
      provider: "replicate",
      tokenId: "a",
      model: "sim/image",
      statuses: ["succeeded"],
      createdFrom: NOW + 10,
      createdTo: NOW + 20,
      words: ["castle"],
      order: "oldest",
      limit: 3,
    };
    const seen: string[] = [];
    let before: { createdAt: number; id: string } | undefined;
    for (;;) {
      const page = await predictions.list({ ...filters, ...(before && { before }) });
      if (page.length === 0) break;
      seen.push(...page.map((p) => p.id));
      const last = page.at(-1);
      if (last) before = { createdAt: last.createdAt, id: last.id };
    }
    const expected = [...wanted].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    expect(seen).toEqual(expected.map((p) => p.id));
  });
});
