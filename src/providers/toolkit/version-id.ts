/**
 * A model version's id the way Cog makes them (64 hex digits), for providers whose upstream has
 * no versions: a hash of what makes the model answer differently (its upstream name, its schemas),
 * so that the id changes exactly when those do.
 */
import { createHash } from "node:crypto";

export function versionIdOf(facts: readonly unknown[]): string {
  return createHash("sha256").update(JSON.stringify(facts)).digest("hex");
}
