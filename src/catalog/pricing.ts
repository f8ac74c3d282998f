/**
 * What predictions cost, from prices per provider (and per provider model): a price per successful
 * run, per output of a successful run, and per second of predict time. The configuration file's
 * `pricing` section sets them; a few of the built-in catalog's models carry their provider's
 * published price (builtin-prices.ts). Budgets hold an estimate before work is sent (`estimate`)
 * and settle the real cost of every run when it ends (`runs`).
 */
import { z } from "zod";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import { BUILTIN_MODEL_PRICES } from "./builtin-prices.ts";

const amount = (what: string) =>
  z.number({ error: `${what} must be a number of US dollars` }).min(0, `${what} must be 0 or more`);

const priceSchema = z.strictObject({
  perRun: amount("perRun").default(0),
  perOutput: amount("perOutput").default(0),
  perSecond: amount("perSecond").default(0),
  /** The run time a budget holds for a model priced per second, before the real time is known. */
  estimatedSeconds: z
    .number({ error: "estimatedSeconds must be a number of seconds" })
    .positive("estimatedSeconds must be more than 0")
    .optional(),
});

export const pricingSchema = z.record(
  z.string(),
  priceSchema.extend({ models: z.record(z.string(), priceSchema).default({}) }),
);

export type PricingConfig = z.infer<typeof pricingSchema>;
export type Price = z.infer<typeof priceSchema>;

const FREE = { perRun: 0, perOutput: 0, perSecond: 0, models: {} };
/** The simulator and the local models cost nothing; other providers are unpriced until the configuration says. */
const BUILTIN: PricingConfig = { sim: FREE, local: FREE };

export interface CostSummary {
  usd: number;
  /** Finished predictions whose provider and model have no price: their cost is unknown. */
  unpricedItems: number;
}

/** One provider run of a prediction: its earlier runs fell back or were retried; the last one ended it. */
export interface RunCost {
  provider: string;
  providerModel: string;
  predictTime: number;
  /** US dollars; undefined when its provider and model have no price. */
  usd: number | undefined;
}

/** How many outputs a prediction asks for, by the input names image models use. */
function requestedOutputs(input: Record<string, unknown>): number {
  for (const field of ["num_outputs", "num_images", "n"]) {
    const value = input[field];
    if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  }
  return 1;
}

function outputCount(output: unknown): number {
  if (output === null || output === undefined) return 0;
  return Array.isArray(output) ? output.length : 1;
}

export class Pricing {
  readonly #prices: PricingConfig;

  constructor(configured: PricingConfig = {}) {
    this.#prices = { ...BUILTIN, ...configured };
  }

  /** The price of a provider's model: configured for the model, published, configured for the provider. */
  priceOf(provider: string, providerModel: string): Price | undefined {
    const configured = this.#prices[provider];
    return configured?.models[providerModel] ?? BUILTIN_MODEL_PRICES[provider]?.[providerModel] ?? configured;
  }

  /** Each run of a finished prediction (none when it is not finished) with its cost. */
  runs(prediction: Prediction): RunCost[] {
    if (!isTerminal(prediction.state)) return [];
    const { provider, providerModel, startedAt, metrics, state, output } = prediction;
    const earlier = (prediction.route?.endedRuns ?? []).map((run) => ({
      ...run,
      outputs: 0,
      succeeded: false,
    }));
    const last = {
      provider,
      providerModel,
      predictTime: startedAt === null ? 0 : (metrics.predict_time ?? 0),
      outputs: state === "succeeded" ? outputCount(output) : 0,
      succeeded: state === "succeeded",
    };
    return [...earlier, last].map(({ provider, providerModel, predictTime, outputs, succeeded }) => {
      const price = this.priceOf(provider, providerModel);
      const usd =
        price && (succeeded ? price.perRun + price.perOutput * outputs : 0) + price.perSecond * predictTime;
      return { provider, providerModel, predictTime, usd };
    });
  }

  /**
   * The cost of a finished prediction in US dollars: its last run, and every earlier run that used
   * provider time before it fell back or retried; undefined when not finished or any run is unpriced.
   */
  costOf(prediction: Prediction): number | undefined {
    if (!isTerminal(prediction.state)) return undefined;
    let usd = 0;
    for (const run of this.runs(prediction)) {
      if (run.usd === undefined) return undefined;
      usd += run.usd;
    }
    return usd;
  }

  /**
   * What a budget holds for a prediction not sent yet: its target's price for the outputs it asks
   * for (and the estimated seconds of a model priced by time); undefined when that is not known.
   */
  estimate(prediction: Prediction): number | undefined {
    const price = this.priceOf(prediction.provider, prediction.providerModel);
    if (!price) return undefined;
    if (price.perSecond > 0 && price.estimatedSeconds === undefined) return undefined;
    const seconds = price.perSecond > 0 ? (price.estimatedSeconds ?? 0) : 0;
    return price.perRun + price.perOutput * requestedOutputs(prediction.input) + price.perSecond * seconds;
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
