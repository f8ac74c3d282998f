export { createOpenAiCompatibleProvider } from "./openai-compatible-provider.ts";
