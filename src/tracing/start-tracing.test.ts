import { describe, expect, it } from "vitest";
import { ConfigError } from "../core/env-config.ts";
import { startTracing, tracingWanted } from "./start-tracing.ts";
import { NO_TRACING, tracing } from "./tracing.ts";

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };

describe("tracingWanted", () => {
  it("is on with either endpoint variable, off without or when the SDK is disabled", () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: "" })).toBe(false);
    expect(tracingWanted(ENDPOINT)).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" })).toBe(
      true,
    );
    expect(tracingWanted({ ...ENDPOINT, OTEL_SDK_DISABLED: "TRUE" })).toBe(false);
    expect(tracingWanted({ ...ENDPOINT, OTEL_SDK_DISABLED: "false" })).toBe(true);
  });
});

describe("startTracing", () => {
  it("leaves tracing off without an endpoint", async () => {
    expect(await startTracing({})).toBe(NO_TRACING);
    expect(tracing()).toBe(NO_TRACING);
    expect(tracing().logFields()).toEqual({});
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, /^OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported/],
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "thrift" }, /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "thrift"/],
    [{ OTEL_TRACES_SAMPLER: "sometimes" }, /^OTEL_TRACES_SAMPLER: "sometimes" is not one of always_on/],
    [{ OTEL_TRACES_SAMPLER: "traceidratio", OTEL_TRACES_SAMPLER_ARG: "2" }, /^OTEL_TRACES_SAMPLER_ARG: "2"/],
    [{ OTEL_BSP_SCHEDULE_DELAY: "soon" }, /^OTEL_BSP_SCHEDULE_DELAY: "soon" is not a positive whole number/],
  ])("refuses %o naming the variable, and stays off", async (bad, message) => {
    const started = startTracing({ ...ENDPOINT, ...bad });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(message);
    expect(tracing()).toBe(NO_TRACING);
  });
});
