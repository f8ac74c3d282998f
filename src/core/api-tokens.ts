import { createHash } from "node:crypto";
import { newSecret } from "./ids.ts";

/** A new API token; only its hash is ever stored. */
export function newApiToken(): string {
  return newSecret("gg_", 30);
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
