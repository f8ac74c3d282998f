export { checkRunpod, type EndpointHealth } from "./health.ts";
export { createRunpodProvider } from "./runpod-provider.ts";
