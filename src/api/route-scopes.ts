/** The scope each route needs, by method and path (under /v1 or /openai/v1); null: any live token. */
import type { Scope } from "../core/limits.ts";

type Rule = [methods: string, path: RegExp, scope: Scope | null];

const RULES: Rule[] = [
  ["*", /^\/admin\//, "admin"],
  ["GET", /^\/(account|webhooks\/default\/secret|usage|lora-photo-limits)$/, null],
  ["GET QUERY", /^\/models(\/|$)/, "models:read"],
  ["GET", /^\/(deployments|collections)(\/|$)|^\/hardware$/, "models:read"],
  // A model made to train into.
  ["POST", /^\/models$/, "trainings:write"],
  ["POST", /^\/models\/[^/]+\/[^/]+\/versions\/[^/]+\/trainings$/, "trainings:write"],
  ["POST", /^\/trainings\/[^/]+\/cancel$/, "trainings:write"],
  ["POST DELETE", /^\/loras(\/|$)/, "trainings:write"],
  ["POST DELETE", /^\/files(\/|$)/, "files:write"],
  ["POST", /^\/batches(\/|$)/, "batches:write"],
  ["POST PUT DELETE", /^\//, "predictions:write"],
  ["GET", /^\//, "predictions:read"],
];

export function scopeOf(method: string, path: string): Scope | null {
  for (const [methods, pattern, scope] of RULES) {
    if ((methods === "*" || methods.split(" ").includes(method)) && pattern.test(path)) return scope;
  }
  return "predictions:write";
}
