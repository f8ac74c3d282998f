import type { ModelRef } from "../core/model-ref.ts";
import type { ModelDescriptor } from "./provider.ts";

/** The model a reference names among a provider's fixed list of models (no deployments). */
export function findModel(models: readonly ModelDescriptor[], ref: ModelRef): ModelDescriptor | null {
  if (ref.kind === "deployment") return null;
  const found = models.find((model) => {
    if (ref.kind === "bare-version") return model.versionId === ref.version;
    const sameName = model.owner === ref.owner && model.name === ref.name;
    return ref.kind === "model" ? sameName : sameName && model.versionId === ref.version;
  });
  return found ?? null;
}
