export { simStartCounts } from "./journal.ts";
export { createSimProvider } from "./sim-provider.ts";
