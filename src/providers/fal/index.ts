export { createFalProvider } from "./fal-provider.ts";
