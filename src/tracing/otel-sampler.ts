/** The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name (by default every trace). */
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
} from "@opentelemetry/sdk-trace";
import { ConfigError } from "../core/env-config.ts";

type Env = Record<string, string | undefined>;

export function samplerOf(env: Env): Sampler {
  const name = env.OTEL_TRACES_SAMPLER || "parentbased_always_on";
  const samplers: Record<string, () => Sampler> = {
    always_on: () => new AlwaysOnSampler(),
    always_off: () => new AlwaysOffSampler(),
    traceidratio: () => new TraceIdRatioBasedSampler(ratioOf(env)),
    parentbased_always_on: () => new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    parentbased_always_off: () => new ParentBasedSampler({ root: new AlwaysOffSampler() }),
    parentbased_traceidratio: () =>
      new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratioOf(env)) }),
  };
  const make = samplers[name];
  if (!make) {
    throw new ConfigError(`OTEL_TRACES_SAMPLER: "${name}" is not one of ${Object.keys(samplers).join(", ")}`);
  }
  return make();
}

function ratioOf(env: Env): number {
  const text = env.OTEL_TRACES_SAMPLER_ARG;
  if (text === undefined || text === "") return 1;
  const ratio = Number(text);
  if (ratio >= 0 && ratio <= 1) return ratio;
  throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG: "${text}" is not a ratio from 0 to 1`);
}
