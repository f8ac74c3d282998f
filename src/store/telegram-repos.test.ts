import { describe, expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { createStore, type Store } from "./index.ts";

describeEachBackend("the Telegram bot's state", (open) => {
  const storeOf = async (): Promise<Store> => createStore(await open());

  describe("inbox", () => {
    it("keeps an update once, and hands out a chat's updates one at a time, in order", async () => {
      const { telegram } = await storeOf();
      const { inbox } = telegram;
      expect(await inbox.accept(10, 1, "a")).toBe(true);
      expect(await inbox.accept(10, 1, "a again")).toBe(false);
      await inbox.accept(11, 1, "b");
      await inbox.accept(12, 2, "c");

      const now = Date.now();
      const first = await inbox.claimNext(now, now - 60_000);
      expect(first).toEqual({ updateId: 10, payload: "a" });
      // Chat 1 is busy with update 10: the next free update is chat 2's.
      expect(await inbox.claimNext(now, now - 60_000)).toEqual({ updateId: 12, payload: "c" });
      expect(await inbox.claimNext(now, now - 60_000)).toBeUndefined();
      await inbox.done(10);
      expect(await inbox.claimNext(now, now - 60_000)).toEqual({ updateId: 11, payload: "b" });
    });

    it("takes over a claim left by a process that died, and prunes handled updates", async () => {
      const { telegram } = await storeOf();
      const { inbox } = telegram;
      await inbox.accept(20, 1, "x", 1000);
      expect(await inbox.claimNext(1000, 0)).toEqual({ updateId: 20, payload: "x" });
      expect(await inbox.claimNext(2000, 0)).toBeUndefined();
      expect(await inbox.claimNext(5000, 1500)).toEqual({ updateId: 20, payload: "x" });
      await inbox.done(20);
      await inbox.prune(2000);
      expect(await inbox.accept(20, 1, "x")).toBe(true);
    });
  });

  describe("jobs", () => {
    it("lets one process claim a delivery, takes over a stale claim, and counts the day's images", async () => {
      const { telegram } = await storeOf();
      const { jobs } = telegram;
      const job = await jobs.create(
        {
          id: "j1",
          userId: 7,
          chatId: 7,
          kind: "generate",
          workId: "p1",
          request: { prompt: "x" },
          images: 2,
          statusMessageId: 5,
        },
        1000,
      );
      await jobs.create(
        {
          id: "j2",
          userId: 7,
          chatId: 7,
          kind: "tool",
          workId: "p2",
          request: {},
          images: 1,
          statusMessageId: null,
        },
        5000,
      );
      expect(await jobs.imagesSince(7, 0)).toBe(3);
      expect(await jobs.imagesSince(7, 2000)).toBe(1);
      expect(await jobs.imagesSince(8, 0)).toBe(0);

      expect(await jobs.claimDelivery(job, 10_000, 0)).toBe(true);
      expect(await jobs.claimDelivery(job, 10_001, 0)).toBe(false);
      expect((await jobs.undelivered(0)).map((j) => j.id)).toEqual(["j2"]);
      expect((await jobs.undelivered(20_000)).map((j) => j.id)).toEqual(["j1", "j2"]);
      expect(await jobs.claimDelivery(job, 30_000, 20_000)).toBe(true);
      await jobs.delivered("j1", 42);
      expect(await jobs.get("j1")).toMatchObject({ state: "delivered", seed: 42, request: { prompt: "x" } });
      expect((await jobs.running(7)).map((j) => j.id)).toEqual(["j2"]);
    });
  });

  describe("users and payments", () => {
    it("credits a payment once per charge, spends credits only when there are enough, and refunds once", async () => {
      const { telegram } = await storeOf();
      const { users, payments } = telegram;
      const user = {
        userId: 2 ** 40,
        tokenId: "t",
        firstName: "Big",
        language: "en",
        aspectRatio: "1:1",
        numOutputs: 1,
      };
      expect(await users.getOrCreate(user)).toMatchObject({ userId: 2 ** 40, credits: 0, model: null });
      expect(await payments.credit({ chargeId: "c1", userId: user.userId, stars: 100, images: 5 })).toBe(
        true,
      );
      expect(await payments.credit({ chargeId: "c1", userId: user.userId, stars: 100, images: 5 })).toBe(
        false,
      );
      expect((await users.get(user.userId))?.credits).toBe(5);
      expect(await users.spendCredits(user.userId, 6)).toBe(false);
      expect(await users.spendCredits(user.userId, 2)).toBe(true);
      expect(await payments.markRefunded("c1")).toBe(true);
      expect(await payments.markRefunded("c1")).toBe(false);
      expect((await users.get(user.userId))?.credits).toBe(0);
      expect((await payments.get("c1"))?.refundedAt).not.toBeNull();
    });

    it("keeps a draft of distinct photos, oldest first", async () => {
      const { telegram } = await storeOf();
      const { users } = telegram;
      await users.addDraftPhoto(3, "u1", "f1", 1);
      await users.addDraftPhoto(3, "u2", "f2", 2);
      await users.addDraftPhoto(3, "u1", "f1", 3);
      expect(await users.draftPhotos(3)).toEqual(["f1", "f2"]);
      expect(await users.clearDraft(3)).toBe(2);
      expect(await users.draftPhotos(3)).toEqual([]);
    });
  });
});
