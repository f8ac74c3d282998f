import type { Logger } from "pino";
import type { ProviderContext } from "../providers/provider.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import type { Store } from "../store/index.ts";
import type { EventBus } from "./events.ts";
import type { RateLimiter } from "./token-bucket.ts";

/** What the engine's parts share. */
export interface EngineContext {
  store: Store;
  storage: BlobStorage;
  providers: ProviderRegistry;
  events: EventBus;
  limiter: RateLimiter;
  logger: Logger;
  providerContext: ProviderContext;
  /** Where clients reach gengate (for URLs in webhook payloads). */
  baseUrl(): string;
  /** Where providers reach gengate's inbound webhooks; undefined when not reachable from outside. */
  publicUrl: string | undefined;
}
