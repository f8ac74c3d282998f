/** Identifiers shaped like Replicate's. */
import { createHash, randomBytes, randomInt } from "node:crypto";

const BASE32 = "0123456789abcdefghjkmnpqrstvwxyz";

/** 26 characters of lower-case base32, like prediction, training and file ids. */
export function objectId(): string {
  let id = "";
  for (let i = 0; i < 26; i++) id += BASE32[randomInt(32)];
  return id;
}

/** An unguessable URL path segment. */
export function urlToken(): string {
  return randomBytes(18).toString("base64url");
}

export function randomVersionId(): string {
  return randomBytes(32).toString("hex");
}

/** A stable 64-hex version id for a built-in model version. */
export function fixedVersionId(name: string): string {
  return createHash("sha256").update(`fake-replicate:${name}`).digest("hex");
}

export function deploymentVersionId(): string {
  return `dp-${randomBytes(16).toString("hex")}`;
}

export function webhookMessageId(): string {
  return `msg_${randomBytes(18).toString("base64url")}`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
