/** The bot's settings from `TELEGRAM_*` variables; the bot is on when `TELEGRAM_BOT_TOKEN` is set. */
import { z } from "zod";
import { ConfigError, parseEnv } from "../core/env-config.ts";
import { BUDGET_PERIODS, type Budget } from "../core/limits.ts";

export interface StarsPack {
  stars: number;
  images: number;
}

export interface TelegramConfig {
  token: string;
  /** Updates come to `POST /hooks/telegram` instead of long polling. */
  webhook: boolean;
  apiRoot: string | undefined;
  /** Who may use the bot; empty for anyone. */
  allowedUsers: ReadonlySet<number>;
  admins: ReadonlySet<number>;
  dailyImages: number;
  starsPacks: readonly StarsPack[];
  /** The models `/model` offers, the first being a new user's. */
  models: readonly string[] | undefined;
  /** Each user's `day` budget in USD, kept on their token; undefined leaves tokens' budgets alone. */
  dailyBudgetUsd: number | undefined;
  /** The budget of the `telegram` tenant, all users together; undefined leaves the tenant's alone. */
  tenantBudget: Budget | undefined;
}

const idList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, "must be Telegram user ids separated by commas")
  .transform((text) => new Set(text.split(",").map((id) => Number(id.trim()))));

const packList = z
  .string()
  .regex(
    /^\s*\d+:\d+(\s*,\s*\d+:\d+)*\s*$/,
    'must be packs of "stars:images" separated by commas, e.g. 100:50,500:200',
  )
  .transform((text) =>
    text.split(",").map((pack) => {
      const [stars, images] = pack.trim().split(":").map(Number);
      return { stars: stars ?? 0, images: images ?? 0 };
    }),
  )
  .refine(
    (packs) => packs.every((pack) => pack.stars >= 1 && pack.images >= 1),
    "each pack needs at least 1 star and 1 image",
  );

const usd = z.coerce
  .number({ error: "must be an amount in USD, like 0.50" })
  .min(0, "must be 0 or more")
  .max(1_000_000_000, "must be at most 1000000000");

const ENV_SCHEMA = {
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, "must be the token BotFather gave, like 123456:ABC-DEF…")
    .optional(),
  TELEGRAM_WEBHOOK: z.stringbool({ error: "must be 1 or 0 (true or false)" }).default(false),
  TELEGRAM_API_ROOT: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
  TELEGRAM_ALLOWED_USERS: idList.optional(),
  TELEGRAM_ADMINS: idList.optional(),
  TELEGRAM_DAILY_IMAGES: z.coerce.number().int().min(0).max(100_000).default(50),
  TELEGRAM_STARS_PACKS: packList.optional(),
  TELEGRAM_MODELS: z
    .string()
    .transform((text) =>
      text
        .split(",")
        .map((model) => model.trim())
        .filter(Boolean),
    )
    .refine((models) => models.length > 0, "must name at least one model")
    .optional(),
  TELEGRAM_DAILY_BUDGET_USD: usd.optional(),
  TELEGRAM_BUDGET_USD: usd.optional(),
  TELEGRAM_BUDGET_PERIOD: z.enum(BUDGET_PERIODS, { error: "must be day, week or month" }).optional(),
} as const;

/** The bot's configuration, or undefined when no bot token is set. */
export function loadTelegramConfig(
  env: Record<string, string | undefined>,
  publicUrl: string | undefined,
): TelegramConfig | undefined {
  const v = parseEnv(ENV_SCHEMA, env, ["TELEGRAM_BOT_TOKEN"]);
  if (v.TELEGRAM_BOT_TOKEN === undefined) return undefined;
  if (v.TELEGRAM_WEBHOOK && publicUrl === undefined) {
    throw new ConfigError(
      "TELEGRAM_WEBHOOK: webhook mode needs PUBLIC_URL, the address Telegram posts updates to",
    );
  }
  if (v.TELEGRAM_BUDGET_PERIOD !== undefined && v.TELEGRAM_BUDGET_USD === undefined) {
    throw new ConfigError("TELEGRAM_BUDGET_PERIOD: set TELEGRAM_BUDGET_USD too, the amount of that budget");
  }
  return {
    token: v.TELEGRAM_BOT_TOKEN,
    webhook: v.TELEGRAM_WEBHOOK,
    apiRoot: v.TELEGRAM_API_ROOT,
    allowedUsers: v.TELEGRAM_ALLOWED_USERS ?? new Set(),
    admins: v.TELEGRAM_ADMINS ?? new Set(),
    dailyImages: v.TELEGRAM_DAILY_IMAGES,
    starsPacks: v.TELEGRAM_STARS_PACKS ?? [],
    models: v.TELEGRAM_MODELS,
    dailyBudgetUsd: v.TELEGRAM_DAILY_BUDGET_USD,
    tenantBudget:
      v.TELEGRAM_BUDGET_USD === undefined
        ? undefined
        : { usd: v.TELEGRAM_BUDGET_USD, period: v.TELEGRAM_BUDGET_PERIOD ?? "month" },
  };
}
