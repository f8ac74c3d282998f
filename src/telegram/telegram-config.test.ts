import { describe, expect, it } from "vitest";
import { loadTelegramConfig } from "./telegram-config.ts";

const TOKEN = "123456:AAbc-DEF_ghi";

describe("the bot's configuration", () => {
  it("is off without a token, and reads every variable when on", () => {
    expect(loadTelegramConfig({}, undefined)).toBeUndefined();
    const config = loadTelegramConfig(
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_ALLOWED_USERS: "1, 2",
        TELEGRAM_ADMINS: "3",
        TELEGRAM_DAILY_IMAGES: "7",
        TELEGRAM_STARS_PACKS: "100:50, 500:200",
        TELEGRAM_MODELS: "gengate/flux-dev, sim/image",
        TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
        TELEGRAM_DAILY_BUDGET_USD: "0.5",
        TELEGRAM_BUDGET_USD: "20",
        TELEGRAM_BUDGET_PERIOD: "week",
      },
      undefined,
    );
    expect(config).toMatchObject({
      webhook: false,
      dailyImages: 7,
      starsPacks: [
        { stars: 100, images: 50 },
        { stars: 500, images: 200 },
      ],
      models: ["gengate/flux-dev", "sim/image"],
      apiRoot: "http://127.0.0.1:8081",
      dailyBudgetUsd: 0.5,
      tenantBudget: { usd: 20, period: "week" },
    });
    expect(
      loadTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BUDGET_USD: "5" }, undefined),
    ).toMatchObject({ dailyBudgetUsd: undefined, tenantBudget: { usd: 5, period: "month" } });
    expect([...(config?.allowedUsers ?? [])]).toEqual([1, 2]);
  });

  it("names the variable of a bad value, and never repeats the token", () => {
    const bad: [Record<string, string>, RegExp][] = [
      [
        { TELEGRAM_BOT_TOKEN: "not-a-token-secret" },
        /^TELEGRAM_BOT_TOKEN: must be the token BotFather gave[^"]*$/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_ALLOWED_USERS: "ann" },
        /^TELEGRAM_ALLOWED_USERS: must be Telegram user ids/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_STARS_PACKS: "100" },
        /^TELEGRAM_STARS_PACKS: must be packs of "stars:images"/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_STARS_PACKS: "0:5" },
        /^TELEGRAM_STARS_PACKS: each pack needs at least 1 star/,
      ],
      [{ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_DAILY_IMAGES: "-1" }, /^TELEGRAM_DAILY_IMAGES:/],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_DAILY_BUDGET_USD: "-0.5" },
        /^TELEGRAM_DAILY_BUDGET_USD: must be 0 or more/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_DAILY_BUDGET_USD: "half" },
        /^TELEGRAM_DAILY_BUDGET_USD: must be an amount in USD/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BUDGET_USD: "5", TELEGRAM_BUDGET_PERIOD: "year" },
        /^TELEGRAM_BUDGET_PERIOD: must be day, week or month/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_BUDGET_PERIOD: "day" },
        /^TELEGRAM_BUDGET_PERIOD: set TELEGRAM_BUDGET_USD too/,
      ],
      [
        { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK: "1" },
        /^TELEGRAM_WEBHOOK: webhook mode needs PUBLIC_URL/,
      ],
    ];
    for (const [env, message] of bad) expect(() => loadTelegramConfig(env, undefined)).toThrow(message);
  });
});
