/** Latency distributions of simulated predictions, written as in GENGATE_SIM_LATENCY. */

export type LatencyDistribution =
  | { kind: "fixed"; ms: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "lognormal"; medianMs: number; sigma: number };

const NUMBER = String.raw`\d+(?:\.\d+)?`;
const FIXED = new RegExp(`^(${NUMBER})$`);
const UNIFORM = new RegExp(`^uniform:(${NUMBER})-(${NUMBER})$`);
const LOGNORMAL = new RegExp(`^lognormal:(${NUMBER}):(${NUMBER})$`);

export const LATENCY_FORMS = `milliseconds, "uniform:MIN-MAX" or "lognormal:MEDIAN:SIGMA"`;

/** Parses `1500`, `uniform:500-3000` or `lognormal:1200:0.5`; null when the text is none of them. */
export function parseLatency(text: string): LatencyDistribution | null {
  const trimmed = text.trim();
  const fixed = FIXED.exec(trimmed);
  if (fixed) return { kind: "fixed", ms: Number(fixed[1]) };
  const uniform = UNIFORM.exec(trimmed);
  if (uniform) {
    const minMs = Number(uniform[1]);
    const maxMs = Number(uniform[2]);
    return minMs <= maxMs ? { kind: "uniform", minMs, maxMs } : null;
  }
  const lognormal = LOGNORMAL.exec(trimmed);
  if (lognormal) return { kind: "lognormal", medianMs: Number(lognormal[1]), sigma: Number(lognormal[2]) };
  return null;
}

/** Draws one latency in whole milliseconds. */
export function sampleLatency(distribution: LatencyDistribution, random: () => number = Math.random): number {
  switch (distribution.kind) {
    case "fixed":
      return Math.round(distribution.ms);
    case "uniform":
      return Math.round(distribution.minMs + random() * (distribution.maxMs - distribution.minMs));
    case "lognormal":
      return Math.round(distribution.medianMs * Math.exp(distribution.sigma * standardNormal(random)));
  }
}

/** Box–Muller transform. */
function standardNormal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
