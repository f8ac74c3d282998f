/** The models `/model` offers when `TELEGRAM_MODELS` is not set. */

/** The catalog's text-to-image aliases, best first (they need a cloud provider). */
const CLOUD_MODELS = [
  "gengate/flux-dev",
  "gengate/flux-schnell",
  "gengate/qwen-image",
  "gengate/imagen-4-ultra",
  "gengate/sd-3",
  "gengate/sdxl",
];

/** The simulator, which any gengate runs, when no provider that draws for real is configured. */
const OFFLINE_MODELS = ["sim/image"];

/** `providerIds`: the providers configured. */
export function defaultModels(providerIds: readonly string[]): string[] {
  const drawsForReal = providerIds.some((id) => id !== "sim" && id !== "local");
  return drawsForReal ? CLOUD_MODELS : OFFLINE_MODELS;
}
