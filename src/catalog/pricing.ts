/**
 * What predictions cost, from prices per provider (and per provider model) in the configuration
 * file's `pricing` section: a price per successful run plus a price per second of predict time.
 */
import { z } from "zod";
import { isTerminal, type Prediction } from "../core/prediction.ts";

const amount = (what: string) =>
  z.number({ error: `${what} must be a number of US dollars` }).min(0, `${what} must be 0 or more`);

const priceSchema = z.strictObject({
  perRun: amount("perRun").default(0),
  perSecond: amount("perSecond").default(0),
});

export const pricingSchema = z.record(
  z.string(),
  priceSchema.extend({ models: z.record(z.string(), priceSchema).default({}) }),
);

export type PricingConfig = z.infer<typeof pricingSchema>;

const FREE = { perRun: 0, perSecond: 0, models: {} };
/** The simulator and the local models cost nothing; other providers are unpriced until the configuration says. */
const BUILTIN: PricingConfig = { sim: FREE, local: FREE };

export interface CostSummary {
  usd: number;
  /** Finished predictions whose provider and model have no price: their cost is unknown. */
  unpricedItems: number;
}

export class Pricing {
  readonly #prices: PricingConfig;

  constructor(configured: PricingConfig = {}) {
    this.#prices = { ...BUILTIN, ...configured };
  }

  /**
   * The cost of a finished prediction in US dollars: its last run, and every earlier run that used
   * provider time before it fell back or retried; undefined when not finished or any run is unpriced.
   */
  costOf(prediction: Prediction): number | undefined {
    if (!isTerminal(prediction.state)) return undefined;
    const { provider, providerModel, startedAt, metrics, state } = prediction;
    const last = {
      provider,
      providerModel,
      predictTime: startedAt === null ? 0 : (metrics.predict_time ?? 0),
      succeeded: state === "succeeded",
    };
    const runs = [...(prediction.route?.endedRuns ?? []).map((run) => ({ ...run, succeeded: false })), last];
    let usd = 0;
    for (const run of runs) {
      const prices = this.#prices[run.provider];
      if (!prices) return undefined;
      const price = prices.models[run.providerModel] ?? prices;
      usd += (run.succeeded ? price.perRun : 0) + price.perSecond * run.predictTime;
    }
    return usd;
  }

  /** The cost so far of a set of predictions; unfinished ones count nothing yet. */
  sum(predictions: Iterable<Prediction>): CostSummary {
    let usd = 0;
    let unpricedItems = 0;
    for (const prediction of predictions) {
      if (!isTerminal(prediction.state)) continue;
      const cost = this.costOf(prediction);
      if (cost === undefined) unpricedItems++;
      else usd += cost;
    }
    return { usd, unpricedItems };
  }
}
