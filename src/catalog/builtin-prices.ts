/**
 * Published prices of models the built-in catalog sends to Replicate, per output image, as listed
 * on https://replicate.com/pricing and checked on 2026-05-11 (third-party comparison that quotes it:
 * workflowlab.dev, "Cheapest Flux API in 2026"). Facts, dated: the configuration's `pricing`
 * section overrides any of them.
 */
const perImage = (usd: number) => ({ perRun: 0, perOutput: usd, perSecond: 0 });

export const BUILTIN_MODEL_PRICES: Record<string, Record<string, ReturnType<typeof perImage>>> = {
  replicate: {
    "black-forest-labs/flux-schnell": perImage(0.003),
    "black-forest-labs/flux-dev": perImage(0.025),
  },
};
