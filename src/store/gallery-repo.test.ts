import { describe, expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { NOW, prediction } from "../../test/support/prediction-fixture.ts";
import { fileRef } from "../core/output.ts";
import type { Prediction } from "../core/prediction.ts";
import { GalleryRepo } from "./gallery-repo.ts";
import { PredictionsRepo } from "./predictions-repo.ts";

const ALICE = "tok_alice";
const BOB = "tok_bob";

/** A succeeded prediction of `tokenId` with `files` stored outputs, made `age` ms before NOW. */
function made(tokenId: string, age: number, overrides: Partial<Prediction> = {}): Prediction {
  return prediction({
    tokenId,
    state: "succeeded",
    createdAt: NOW - age,
    completedAt: NOW - age + 10,
    output: [fileRef(`key-${age}-a.png`), fileRef(`key-${age}-b.png`)],
    ...overrides,
  });
}

describeEachBackend("GalleryRepo", (open) => {
  async function seeded(rows: Prediction[]) {
    const { db, dialect } = await open();
    const predictions = new PredictionsRepo(db, dialect);
    for (const row of rows) await predictions.insert(row);
    return new GalleryRepo(db);
  }

  describe("list", () => {
    it("gives succeeded predictions with stored files, newest first, a page at a time", async () => {
      const newest = made(ALICE, 1);
      const middle = made(BOB, 2);
      const oldest = made(ALICE, 3);
      const text = made(ALICE, 0, { output: ["just", "tokens"] });
      const failed = made(ALICE, 0, { state: "failed", output: null });
      const training = made(ALICE, 0, { destination: "sim-lora/x" });
      const gallery = await seeded([oldest, newest, middle, text, failed, training]);

      const first = await gallery.list({ viewer: ALICE, limit: 2 });
      expect(first.map((entry) => entry.prediction.id)).toEqual([newest.id, middle.id]);
      const last = first.at(-1)?.prediction;
      const rest = await gallery.list({
        viewer: ALICE,
        limit: 2,
        before: { createdAt: last?.createdAt ?? 0, id: last?.id ?? "" },
      });
      expect(rest.map((entry) => entry.prediction.id)).toEqual([oldest.id]);
    });

    it("keeps to one token's predictions when told", async () => {
      const mine = made(ALICE, 1);
      const theirs = made(BOB, 2);
      const gallery = await seeded([mine, theirs]);
      const entries = await gallery.list({ viewer: BOB, tokenId: BOB, limit: 10 });
      expect(entries.map((entry) => entry.prediction.id)).toEqual([theirs.id]);
    });

    it("filters by model and by a word of the input's text in any case, wildcards taken literally", async () => {
      const harbour = made(ALICE, 1, { input: { prompt: 'A quiet "Harbour" at 100% dusk' } });
      const forest = made(ALICE, 2, { input: { prompt: "a forest" }, model: "sim/image" });
      const underscore = made(ALICE, 3, { input: { prompt: "snake_case" } });
      const gallery = await seeded([harbour, forest, underscore]);
      const ids = async (options: { text?: string; model?: string }) =>
        (await gallery.list({ viewer: ALICE, limit: 10, ...options })).map((entry) => entry.prediction.id);

      expect(await ids({ text: "harbour" })).toEqual([harbour.id]);
      expect(await ids({ text: '"harbour"' })).toEqual([harbour.id]);
      expect(await ids({ text: "100%" })).toEqual([harbour.id]);
      expect(await ids({ text: "0%" })).toEqual([harbour.id]);
      expect(await ids({ text: "e_c" })).toEqual([underscore.id]);
      expect(await ids({ text: "e%c" })).toEqual([]);
      expect(await ids({ model: "sim/image" })).toEqual([forest.id]);
      expect(await ids({ model: "sim/image", text: "harbour" })).toEqual([]);
    });
  });

  describe("favourites", () => {
    it("are each viewer's own: marked, listed, filtered and unmarked", async () => {
      const first = made(ALICE, 1);
      const second = made(ALICE, 2);
      const gallery = await seeded([first, second]);

      await gallery.favorite(ALICE, second.id, 1);
      await gallery.favorite(ALICE, second.id, 1);
      await gallery.favorite(ALICE, second.id, 0);
      await gallery.favorite(BOB, first.id, 0);

      const all = await gallery.list({ viewer: ALICE, limit: 10 });
      expect(all.map((entry) => [entry.prediction.id, entry.favorites])).toEqual([
        [first.id, []],
        [second.id, [0, 1]],
      ]);
      const favourites = await gallery.list({ viewer: ALICE, limit: 10, favoritesOnly: true });
      expect(favourites.map((entry) => entry.prediction.id)).toEqual([second.id]);
      const bobs = await gallery.list({ viewer: BOB, limit: 10, favoritesOnly: true });
      expect(bobs.map((entry) => [entry.prediction.id, entry.favorites])).toEqual([[first.id, [0]]]);

      await gallery.unfavorite(ALICE, second.id, 0);
      await gallery.unfavorite(ALICE, second.id, 1);
      expect(await gallery.list({ viewer: ALICE, limit: 10, favoritesOnly: true })).toEqual([]);
      expect((await gallery.favoritesOf(BOB, [first.id, second.id])).get(first.id)).toEqual([0]);
    });

    it("survive reopening the database", async () => {
      const database = await open();
      const kept = made(ALICE, 1);
      await new PredictionsRepo(database.db, database.dialect).insert(kept);
      await new GalleryRepo(database.db).favorite(ALICE, kept.id, 1);
      const again = await database.reopen();
      const entries = await new GalleryRepo(again.db).list({ viewer: ALICE, limit: 10, favoritesOnly: true });
      expect(entries.map((entry) => [entry.prediction.id, entry.favorites])).toEqual([[kept.id, [1]]]);
    });
  });
});
