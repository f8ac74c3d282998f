import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/env-config.ts";
import { parseReplicateConfig } from "./config.ts";

describe("parseReplicateConfig", () => {
  it("is null without a token", () => {
    expect(parseReplicateConfig({})).toBeNull();
    expect(parseReplicateConfig({ REPLICATE_API_TOKEN: "" })).toBeNull();
  });

  it("has defaults", () => {
    expect(parseReplicateConfig({ REPLICATE_API_TOKEN: "r8_x" })).toEqual({
      token: "r8_x",
      baseUrl: "https://api.replicate.com/v1",
      createsPerMinute: 600,
      requestsPerMinute: 3000,
      concurrency: 256,
      webhookSecret: undefined,
      waitSeconds: 5,
      webhookPollMs: 30_000,
      loraTrainer: "ostris/flux-dev-lora-trainer",
    });
  });

  it("takes the LoRA trainer from the environment, else from the configuration file", () => {
    const env = { REPLICATE_API_TOKEN: "r8_x" };
    const file = { settings: { loraTrainer: "me/trainer:abc123" }, configFile: "/etc/gengate.json" };
    expect(parseReplicateConfig(env, file)?.loraTrainer).toBe("me/trainer:abc123");
    expect(
      parseReplicateConfig({ ...env, REPLICATE_LORA_TRAINER: "ostris/flux-dev-lora-trainer" }, file)
        ?.loraTrainer,
    ).toBe("ostris/flux-dev-lora-trainer");
    expect(() => parseReplicateConfig({ ...env, REPLICATE_LORA_TRAINER: "trainer" })).toThrow(
      /^REPLICATE_LORA_TRAINER: must be a model reference/,
    );
    expect(() =>
      parseReplicateConfig(env, { settings: { trainer: "x/y" }, configFile: "/etc/gengate.json" }),
    ).toThrow(/^\/etc\/gengate.json: providers.replicate/);
  });

  it("reads every variable", () => {
    const config = parseReplicateConfig({
      REPLICATE_API_TOKEN: "r8_x",
      REPLICATE_BASE_URL: "http://127.0.0.1:9/v1/",
      REPLICATE_CREATES_PER_MINUTE: "6",
      REPLICATE_REQUESTS_PER_MINUTE: "60",
      REPLICATE_CONCURRENCY: "4",
      REPLICATE_WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      REPLICATE_WAIT_SECONDS: "0",
    });
    expect(config).toMatchObject({
      baseUrl: "http://127.0.0.1:9/v1",
      createsPerMinute: 6,
      requestsPerMinute: 60,
      concurrency: 4,
      webhookSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      waitSeconds: 0,
    });
  });

  it("names a bad variable and never repeats a secret", () => {
    expect(() => parseReplicateConfig({ REPLICATE_API_TOKEN: "r8_x", REPLICATE_WAIT_SECONDS: "61" })).toThrow(
      ConfigError,
    );
    const secret = "not-a-secret-format";
    expect(() =>
      parseReplicateConfig({ REPLICATE_API_TOKEN: "r8_x", REPLICATE_WEBHOOK_SECRET: secret }),
    ).toThrow(/^REPLICATE_WEBHOOK_SECRET: must look like "whsec_<base64>"$/);
  });
});
