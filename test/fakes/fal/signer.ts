/**
 * Signs webhooks the way fal does (reference B.4): Ed25519 over
 * `request_id \n user_id \n timestamp \n hex(sha256(body))`, hex signature in headers, public
 * keys published as a JWKS of OKP/Ed25519 keys.
 */
import { createHash, generateKeyPairSync, type KeyObject, sign } from "node:crypto";

export interface Ed25519Jwk {
  kty: "OKP";
  crv: "Ed25519";
  x: string;
}

export interface WebhookSigner {
  jwks(): { keys: Ed25519Jwk[] };
  /** The signature headers for `body`, sent at `timestampSeconds`. */
  headers(requestId: string, body: string, timestampSeconds: number): Record<string, string>;
  /** Signs with a new key from now on; the JWKS lists old and new keys. */
  rotate(): void;
}

function newKeyPair(): { privateKey: KeyObject; jwk: Ed25519Jwk } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { x = "" } = publicKey.export({ format: "jwk" });
  return { privateKey, jwk: { kty: "OKP", crv: "Ed25519", x } };
}

export function createWebhookSigner(userId: string): WebhookSigner {
  const pairs = [newKeyPair()];
  return {
    jwks: () => ({ keys: pairs.map((pair) => pair.jwk) }),
    headers(requestId, body, timestampSeconds) {
      const timestamp = String(timestampSeconds);
      const bodyHash = createHash("sha256").update(body).digest("hex");
      const message = Buffer.from([requestId, userId, timestamp, bodyHash].join("\n"));
      const current = pairs[pairs.length - 1];
      if (!current) throw new Error("no signing key");
      return {
        "x-fal-webhook-request-id": requestId,
        "x-fal-webhook-user-id": userId,
        "x-fal-webhook-timestamp": timestamp,
        "x-fal-webhook-signature": sign(null, message, current.privateKey).toString("hex"),
      };
    },
    rotate() {
      pairs.push(newKeyPair());
    },
  };
}
