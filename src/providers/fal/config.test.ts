import { describe, expect, it } from "vitest";
import { ConfigError } from "../../core/env-config.ts";
import { parseFalConfig } from "./config.ts";

const FILE = "/etc/gengate.config.json";
const KEY = "key-id:very-secret-part";
const apps = { apps: { "flux-dev": { app: "fal-ai/flux/dev", description: "FLUX.1 [dev]" } } };

describe("fal configuration", () => {
  it("is off without FAL_KEY", () => {
    expect(parseFalConfig({}, apps, FILE)).toBeNull();
    expect(parseFalConfig({ FAL_KEY: "" }, apps, FILE)).toBeNull();
  });

  it("reads the key, URLs and apps, with defaults", () => {
    expect(parseFalConfig({ FAL_KEY: KEY }, apps, FILE)).toEqual({
      key: KEY,
      queueUrl: "https://queue.fal.run",
      jwksUrl: "https://rest.alpha.fal.ai/.well-known/jwks.json",
      webhookKeys: undefined,
      apps: [{ name: "flux-dev", app: "fal-ai/flux/dev", description: "FLUX.1 [dev]" }],
      concurrency: 20,
      perMinute: 600,
    });
    const x = Buffer.alloc(32, 7).toString("base64url");
    const config = parseFalConfig(
      { FAL_KEY: KEY, FAL_QUEUE_URL: "http://127.0.0.1:9/", FAL_WEBHOOK_PUBLIC_KEYS: `${x}, ${x}` },
      { ...apps, concurrency: 3, perMinute: 30 },
      FILE,
    );
    expect(config).toMatchObject({
      queueUrl: "http://127.0.0.1:9",
      webhookKeys: [x, x],
      concurrency: 3,
      perMinute: 30,
    });
  });

  it.each([
    [undefined, `${FILE}: providers.fal: required when FAL_KEY is set`],
    [{ apps: {} }, `${FILE}: providers.fal.apps: must name at least one app`],
    [{ apps: { x: { app: "flux" } } }, `${FILE}: providers.fal.apps.x.app: must be a fal app id`],
    [
      { apps: { x: { app: "fal-ai/flux/dev", size: 1 } } },
      `${FILE}: providers.fal.apps.x: Unrecognized key: "size"`,
    ],
    [
      { apps: { "bad name": { app: "fal-ai/flux/dev" } } },
      `${FILE}: providers.fal.apps.bad name: a model name is letters`,
    ],
    [{ ...apps, concurrency: 0 }, `${FILE}: providers.fal.concurrency:`],
  ])("refuses %j naming the file and path", (settings, message) => {
    expect(() => parseFalConfig({ FAL_KEY: KEY }, settings, FILE)).toThrow(ConfigError);
    expect(() => parseFalConfig({ FAL_KEY: KEY }, settings, FILE)).toThrow(message);
  });

  it("names bad variables without repeating the key", () => {
    expect(() => parseFalConfig({ FAL_KEY: KEY, FAL_QUEUE_URL: "queue.fal.run" }, apps, FILE)).toThrow(
      'FAL_QUEUE_URL: must be an http:// or https:// URL (got "queue.fal.run")',
    );
    expect(() => parseFalConfig({ FAL_KEY: KEY, FAL_WEBHOOK_PUBLIC_KEYS: "abc" }, apps, FILE)).toThrow(
      /^FAL_WEBHOOK_PUBLIC_KEYS: must be a comma-separated list of Ed25519 public keys/,
    );
  });
});
