import { describe, expect, it } from "vitest";
import { sign, verifySignature } from "./webhook-signature.ts";

// svix's published test vector, which Replicate's clients also use
const KEY = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const BODY = '{"test": 2432232314}';

describe("webhook signing", () => {
  it("matches the Standard Webhooks test vector", () => {
    expect(sign(KEY, ID, TS, BODY)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verifies within the tolerance and rejects tampering or stale timestamps", () => {
    const headers = { id: ID, timestamp: String(TS), signature: `v1,bogus ${sign(KEY, ID, TS, BODY)}` };
    expect(verifySignature(KEY, headers, BODY, 300, TS * 1000)).toBe(true);
    expect(verifySignature(KEY, headers, `${BODY} `, 300, TS * 1000)).toBe(false);
    expect(verifySignature(KEY, headers, BODY, 300, (TS + 301) * 1000)).toBe(false);
  });
});
