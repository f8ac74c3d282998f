/**
 * Warnings a provider gives when it starts work or reports on it, added to the prediction's own
 * (shown to clients as `gengate.warnings`), each once however often a status repeats it.
 */
import type { Prediction } from "../core/prediction.ts";

export function withProviderWarnings(
  row: Pick<Prediction, "warnings">,
  added: readonly string[] | undefined,
): { warnings?: string[] } {
  const known = row.warnings ?? [];
  const fresh = [...new Set(added ?? [])].filter((warning) => !known.includes(warning));
  return fresh.length > 0 ? { warnings: [...known, ...fresh] } : {};
}
