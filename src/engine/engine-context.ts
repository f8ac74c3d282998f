import type { Logger } from "pino";
import type { Catalog } from "../catalog/catalog.ts";
import type { NamedLocks } from "../core/named-locks.ts";
import type { RateLimiter } from "../core/rate-limiter.ts";
import type { ProviderContext } from "../providers/provider.ts";
import type { ProviderRegistry } from "../providers/registry.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import type { FileLinks } from "../storage/file-links.ts";
import type { Store } from "../store/index.ts";
import type { Breakers } from "./breakers.ts";
import type { EventBus } from "./events.ts";
import type { Uploads } from "./uploads.ts";
import type { WorkSignals } from "./work-signals.ts";

/** What the engine's parts share. */
export interface EngineContext {
  store: Store;
  storage: BlobStorage;
  /** Signs the links to stored files in webhook payloads and in what providers are sent. */
  fileLinks: FileLinks;
  /** Files clients upload (also inputs sent as data URLs), private to their token. */
  uploads: Uploads;
  providers: ProviderRegistry;
  events: EventBus;
  /** Wake-ups of the worker loops (dispatcher, reconciler, webhook sender, LoRA runner). */
  signals: WorkSignals;
  limiter: RateLimiter;
  /** Around counting and claiming work, so that no two processes take the same free place. */
  locks: NamedLocks;
  /** Model aliases and routing settings. */
  catalog: Catalog;
  /** Per route target: this process's, or shared by every process on PostgreSQL. */
  breakers: Breakers;
  logger: Logger;
  /** What providers are handed for work of `tokenId`: its file inputs are read as that token's. */
  providerContext(tokenId: string | null): ProviderContext;
  /** Where clients reach gengate (for URLs in webhook payloads). */
  baseUrl(): string;
  /** Outbound requests (webhooks) may reach loopback, private and other non-public addresses. */
  allowPrivateUrls: boolean;
  /** Where providers reach gengate's inbound webhooks; undefined when not reachable from outside. */
  publicUrl: string | undefined;
  /** How long a start whose answer was lost waits for a webhook to name its work (unconfirmed-starts.ts). */
  unconfirmedStartWaitMs: number;
}
