/**
 * The bot's budgets: each user's daily budget and the bot's own (the tenant `telegram`), refused
 * in plain words without using an image of the day, and `/usage` for the bot's admins. The sim
 * provider costs $0.01 a run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { periodStart } from "../../src/core/limits.ts";
import { type FakeTelegram, type FakeUser, makeUser, startFakeTelegram } from "../fakes/telegram/index.ts";
import { startGatewayWithConfig, type TestGateway } from "../support/gateway.ts";
import { askBot, type MessageMatch, wordsOf } from "../support/telegram-gateway.ts";
import { until } from "../support/until.ts";

let telegram: FakeTelegram;
let gateway: TestGateway;
const admin = makeUser({ first_name: "Root" });

beforeAll(async () => {
  telegram = await startFakeTelegram();
  gateway = await startGatewayWithConfig(
    { pricing: { sim: { perRun: 0.01 } } },
    {
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      TELEGRAM_ADMINS: String(admin.id),
      TELEGRAM_DAILY_IMAGES: "2",
      TELEGRAM_DAILY_BUDGET_USD: "0.02",
      TELEGRAM_BUDGET_USD: "0.05",
      TELEGRAM_BUDGET_PERIOD: "month",
    },
  );
  await gateway.telegram?.ready;
});

afterAll(async () => {
  await gateway?.close();
  await telegram?.close();
});

const ask = (user: FakeUser, text: string, match?: MessageMatch) => askBot(telegram, user, text, match);
const drawn: MessageMatch = (m) => m.photo !== undefined;
const imagesToday = (user: FakeUser) =>
  gateway.store.telegram.jobs.imagesSince(user.id, periodStart("day", Date.now()));
const tokenOf = async (user: FakeUser) => {
  const account = await gateway.store.telegram.users.get(user.id);
  return gateway.store.tokens.get(account?.tokenId ?? "");
};
const ledgerRuns = async () => {
  const rows = await gateway.store.budgets.ledger({ groupBy: "token", from: 0, to: Date.now() + 1 });
  return rows.reduce((sum, row) => sum + row.runs, 0);
};

describe("the bot's budgets", () => {
  it("refuses a user's image past their daily budget in plain words, using no image or credit", async () => {
    const ann = makeUser({ first_name: "Ann" });
    await ask(ann, "a first lighthouse", drawn);
    const token = await tokenOf(ann);
    expect(token?.tenant?.name).toBe("telegram");
    expect(token?.limits.budget).toEqual({ usd: 0.02, period: "day" });

    // A budget the operator has since changed, and a token out of the bot's tenant (as one made
    // before the bot had it): the user's next message brings both back.
    await gateway.store.tokens.setLimits(token?.id ?? "", { budget: { usd: 1, period: "day" } });
    await gateway.store.tokens.setTenant(token?.id ?? "", null);
    await ask(ann, "a second lighthouse", drawn);
    expect((await tokenOf(ann))?.limits.budget).toEqual({ usd: 0.02, period: "day" });
    expect((await tokenOf(ann))?.tenant?.name).toBe("telegram");

    // Past her 2 images of the day, the third would be paid with a bought credit.
    await gateway.store.telegram.users.addCredits(ann.id, 3);
    const refusal = await ask(ann, "a third lighthouse", /budget/);
    expect(wordsOf(refusal)).toBe(
      "Your daily budget of $0.02 is spent; it resets at midnight UTC. Nothing was charged.",
    );
    expect(await imagesToday(ann)).toBe(2);
    expect((await gateway.store.telegram.users.get(ann.id))?.credits).toBe(3);
  });

  it("binds all the bot's users together with the bot's own budget", async () => {
    const bo = makeUser({ first_name: "Bo" });
    const cy = makeUser({ first_name: "Cy", language_code: "uk" });
    await ask(bo, "a red kite", drawn);
    await ask(bo, "a blue kite", drawn);
    await ask(cy, "a green kite", drawn);
    // Cy has spent $0.01 of a $0.02 day, but the bot's $0.05 month is spent by the three of them.
    const refusal = await ask(cy, "a yellow kite", /бюджет/);
    expect(wordsOf(refusal)).toBe(
      "Місячний бюджет бота $0.05 вичерпано; він поновиться 1-го числа опівночі UTC. Нічого не списано.",
    );
    expect(await imagesToday(cy)).toBe(1);
  });

  it("tells an admin what the bot's users spent, most first, and no one else", async () => {
    const nosy = makeUser({ first_name: "Nosy" });
    expect(wordsOf(await ask(nosy, "/usage"))).toBe("Only the bot's admins can do that.");

    await until(async () => ((await ledgerRuns()) === 5 ? true : undefined));
    const report = wordsOf(await ask(admin, "/usage"));
    const [today, month] = report.split("\n\n");
    expect(today).toMatch(/^Today: \$0\.05 \(5 runs\)\n {2}• (Ann|Bo) \(\d+\) — \$0\.02\n/);
    expect(today?.split("\n")).toHaveLength(4);
    expect(today?.split("\n").at(-1)).toMatch(/^ {2}• Cy \(\d+\) — \$0\.01$/);
    expect(month).toMatch(/^This month: \$0\.05 \(5 runs\)\n/);
  });
});
