/**
 * The bot's side of budgets: its users' tokens belong to the tenant `telegram`, each token with
 * the `day` budget of `TELEGRAM_DAILY_BUDGET_USD`, and the tenant with the bot's own budget
 * (`TELEGRAM_BUDGET_USD` per `TELEGRAM_BUDGET_PERIOD`); the gateway's admission enforces both.
 */
import { type Budget, type Limits, periodStart, toUsd } from "../core/limits.ts";
import type { UsageRow } from "../store/budgets-repo.ts";
import type { Tenant } from "../store/index.ts";
import type { TelegramConfig } from "./telegram-config.ts";

export const BOT_TENANT = "telegram";

/** What the bot needs of gengate's tokens. */
export interface TenantTokens {
  create(token: {
    name: string;
    tokenHash: string;
    isAdmin: boolean;
    tenantId?: string;
    limits?: Limits;
  }): Promise<{ id: string }>;
  findByHash(tokenHash: string): Promise<{ id: string } | null>;
  get(id: string): Promise<BotToken | null>;
  setLimits(id: string, limits: Limits): Promise<unknown>;
  setTenant(id: string, tenantId: string): Promise<unknown>;
}

export interface BotToken {
  id: string;
  name: string;
  limits: Limits;
  revokedAt: number | null;
  tenant: { id: string } | null;
}

export interface BotTenants {
  byName(name: string): Promise<Tenant | null>;
  create(tenant: { name: string; limits: Limits }): Promise<Tenant>;
  get(id: string): Promise<Tenant | null>;
  setLimits(id: string, limits: Limits): Promise<unknown>;
}

export interface BotLedger {
  countSpendSoFar(scope: "token" | "tenant", id: string, start: number): Promise<void>;
  ledger(options: { groupBy: "token"; from: number; to: number; tenantId: string }): Promise<UsageRow[]>;
}

/** What the bot's users spent in a span: in all, and each user's token, most first. */
export interface Spend {
  usd: number;
  runs: number;
  byToken: { tokenId: string; usd: number }[];
}

export class BotBudgets {
  readonly #config: TelegramConfig;
  readonly #tokens: TenantTokens;
  readonly #tenants: BotTenants;
  readonly #ledger: BotLedger;
  #tenant: Promise<Tenant> | undefined;

  constructor(deps: {
    config: TelegramConfig;
    tokens: TenantTokens;
    tenants: BotTenants;
    ledger: BotLedger;
  }) {
    this.#config = deps.config;
    this.#tokens = deps.tokens;
    this.#tenants = deps.tenants;
    this.#ledger = deps.ledger;
  }

  /** The tenant `telegram`, made by the first process to need it, with the configured budget. */
  tenant(): Promise<Tenant> {
    this.#tenant ??= this.#openTenant().catch((error: unknown) => {
      this.#tenant = undefined;
      throw error;
    });
    return this.#tenant;
  }

  /** A new user's token's limits: the daily budget, when configured. */
  newTokenLimits(): Limits {
    const budget = this.#userBudget();
    return budget ? { budget } : {};
  }

  /**
   * Keeps a user's token in the bot's tenant (a token made before the bot had one joins it) and
   * gives it the configured daily budget when it has another (the variable changed).
   */
  async keepToken(token: BotToken, now = Date.now()): Promise<void> {
    const tenant = await this.tenant();
    if (token.tenant?.id !== tenant.id) await this.#tokens.setTenant(token.id, tenant.id);
    const { id: tokenId, limits } = token;
    const budget = this.#userBudget();
    if (!budget || sameBudget(limits.budget, budget)) return;
    const changed = { ...limits, budget: { ...limits.budget, ...budget } };
    await this.#tokens.setLimits(tokenId, changed);
    await this.#ledger.countSpendSoFar("token", tokenId, periodStart(budget.period, now));
  }

  /** The budget a refusal names (a user's token's or the bot's tenant's), as it is now. */
  async budgetOf(scope: string, id: string): Promise<Budget | undefined> {
    const owner = scope === "tenant" ? await this.#tenants.get(id) : await this.#tokens.get(id);
    return owner?.limits.budget;
  }

  /** What the bot's users spent from `from` until now, from the ledger. */
  async spendSince(from: number, now = Date.now()): Promise<Spend> {
    const tenant = await this.tenant();
    const rows = await this.#ledger.ledger({ groupBy: "token", from, to: now + 1, tenantId: tenant.id });
    const byToken = rows
      .map((row) => ({ tokenId: String(row.key), usd: toUsd(row.cost) }))
      .sort((a, b) => b.usd - a.usd);
    return {
      usd: byToken.reduce((sum, row) => sum + row.usd, 0),
      runs: rows.reduce((sum, row) => sum + row.runs, 0),
      byToken,
    };
  }

  /** The name of a user's token. */
  async tokenName(tokenId: string): Promise<string> {
    return (await this.#tokens.get(tokenId))?.name ?? tokenId;
  }

  #userBudget(): Budget | undefined {
    const usd = this.#config.dailyBudgetUsd;
    return usd === undefined ? undefined : { usd, period: "day" };
  }

  async #openTenant(now = Date.now()): Promise<Tenant> {
    let tenant = await this.#tenants.byName(BOT_TENANT);
    if (!tenant) {
      try {
        tenant = await this.#tenants.create({ name: BOT_TENANT, limits: {} });
      } catch (error) {
        // Another process made it between our look and our insert (its name is unique).
        tenant = await this.#tenants.byName(BOT_TENANT);
        if (!tenant) throw error;
      }
    }
    const budget = this.#config.tenantBudget;
    if (!budget || sameBudget(tenant.limits.budget, budget)) return tenant;
    const limits = { ...tenant.limits, budget: { ...tenant.limits.budget, ...budget } };
    await this.#tenants.setLimits(tenant.id, limits);
    await this.#ledger.countSpendSoFar("tenant", tenant.id, periodStart(budget.period, now));
    return { ...tenant, limits };
  }
}

const sameBudget = (current: Budget | undefined, wanted: Budget) =>
  current?.usd === wanted.usd && current.period === wanted.period;
