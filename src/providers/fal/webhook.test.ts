import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOutputFile } from "../provider.ts";
import { SubmitMarker } from "../submit-marker.ts";
import { falWebhook } from "./webhook.ts";
import { WebhookKeys } from "./webhook-keys.ts";

function keyPair(): { privateKey: KeyObject; x: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, x: publicKey.export({ format: "jwk" }).x ?? "" };
}

function signed(
  privateKey: KeyObject,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
  url = "http://gengate/hooks/fal",
): Request {
  const hash = createHash("sha256").update(body).digest("hex");
  const signature = sign(null, Buffer.from(`req-1\nuser-1\n${timestamp}\n${hash}`), privateKey).toString(
    "hex",
  );
  return new Request(url, {
    method: "POST",
    body,
    headers: {
      "x-fal-webhook-request-id": "req-1",
      "x-fal-webhook-user-id": "user-1",
      "x-fal-webhook-timestamp": String(timestamp),
      "x-fal-webhook-signature": signature,
    },
  });
}

const OK_BODY = JSON.stringify({
  request_id: "req-1",
  gateway_request_id: "req-1",
  status: "OK",
  payload: { images: [{ url: "https://v3.fal.media/files/a/b.png", content_type: "image/png" }], seed: 1 },
});

const marker = new SubmitMarker("fal-key-id:fal-key-secret", "fal");

describe("fal webhook signatures", () => {
  const pair = keyPair();
  const webhook = falWebhook(new WebhookKeys({ keys: [keyPair().x, pair.x] }), marker);

  it("accepts a signature by any configured key", async () => {
    expect(await webhook.verify(signed(pair.privateKey, OK_BODY), OK_BODY)).toBe(true);
  });

  it("refuses a changed body, another key, an old timestamp or missing headers", async () => {
    expect(await webhook.verify(signed(pair.privateKey, OK_BODY), `${OK_BODY} `)).toBe(false);
    expect(await webhook.verify(signed(keyPair().privateKey, OK_BODY), OK_BODY)).toBe(false);
    const old = Math.floor(Date.now() / 1000) - 301;
    expect(await webhook.verify(signed(pair.privateKey, OK_BODY, old), OK_BODY)).toBe(false);
    const bare = new Request("http://gengate/hooks/fal", { method: "POST", body: OK_BODY });
    expect(await webhook.verify(bare, OK_BODY)).toBe(false);
  });

  it("turns the payload into an update", async () => {
    const ok = await webhook.parse(signed(pair.privateKey, OK_BODY), OK_BODY);
    expect(ok.upstreamId).toBe("req-1");
    expect(ok.update.state).toBe("succeeded");
    const [file] = ok.update.output as unknown[];
    expect(isOutputFile(file) && [file.contentType, file.extension]).toEqual(["image/png", "png"]);

    const error = JSON.stringify({
      request_id: "req-2",
      status: "ERROR",
      error: "Invalid status code: 422",
      payload: { detail: [{ loc: ["body", "num_images"], msg: "too many", type: "value_error" }] },
    });
    expect((await webhook.parse(signed(pair.privateKey, error), error)).update).toEqual({
      state: "failed",
      error: "num_images: too many",
    });

    const undeliverable = JSON.stringify({
      request_id: "req-3",
      status: "OK",
      payload: null,
      payload_error: "too big",
    });
    expect((await webhook.parse(signed(pair.privateKey, undeliverable), undeliverable)).update).toEqual({
      state: "processing",
      nextPollMs: 0,
    });
  });

  it("names the submit only through a URL marked with gengate's token", async () => {
    const at = Math.floor(Date.now() / 1000);
    const marked = marker.mark("http://gengate/hooks/fal", { predictionId: "p1", submitId: "s1" });
    const named = await webhook.parse(signed(pair.privateKey, OK_BODY, at, marked), OK_BODY);
    expect(named).toMatchObject({ upstreamId: "req-1", predictionId: "p1", submitId: "s1" });

    const forged = new URL(marked);
    forged.searchParams.set("submit", "s2");
    const unnamed = await webhook.parse(signed(pair.privateKey, OK_BODY, at, forged.href), OK_BODY);
    expect(unnamed.upstreamId).toBe("req-1");
    expect([unnamed.predictionId, unnamed.submitId]).toEqual([undefined, undefined]);
  });
});

describe("fal webhook keys from a JWKS", () => {
  let url: string;
  let fetches = 0;
  let published: string[] = [];
  const server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ keys: published.map((x) => ({ kty: "OKP", crv: "Ed25519", x })) }));
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("fetches once, and again for an unknown key at most once a minute", async () => {
    const first = keyPair();
    const rotated = keyPair();
    published = [first.x];
    let now = Date.now();
    const webhook = falWebhook(new WebhookKeys({ jwksUrl: url }, () => now), marker, () => now);
    const check = (pair: { privateKey: KeyObject }) =>
      webhook.verify(signed(pair.privateKey, OK_BODY, Math.floor(now / 1000)), OK_BODY);

    expect(await Promise.all([check(first), check(first)])).toEqual([true, true]);
    expect(fetches).toBe(1);

    published = [first.x, rotated.x];
    expect(await check(rotated)).toBe(false);
    expect(fetches).toBe(1);

    now += 61_000;
    expect(await check(rotated)).toBe(true);
    expect(await check(keyPair())).toBe(false);
    expect(fetches).toBe(2);
  });
});
