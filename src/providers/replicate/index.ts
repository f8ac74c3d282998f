export { createReplicateProvider } from "./replicate-provider.ts";
