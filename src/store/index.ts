import type { Kysely } from "kysely";
import { AuditRepo } from "./audit-repo.ts";
import { BatchesRepo } from "./batches-repo.ts";
import { BlobReferencesRepo } from "./blob-references-repo.ts";
import { BudgetsRepo } from "./budgets-repo.ts";
import { CreatedModelsRepo } from "./created-models-repo.ts";
import type { Database } from "./database.ts";
import { FairSharesRepo } from "./fair-shares-repo.ts";
import { FilesRepo } from "./files-repo.ts";
import { GalleryRepo } from "./gallery-repo.ts";
import { LorasRepo } from "./loras-repo.ts";
import { PredictionsRepo } from "./predictions-repo.ts";
import { ProviderJournalRepo } from "./provider-journal-repo.ts";
import { ReceivedWebhooksRepo } from "./received-webhooks-repo.ts";
import { RetentionRepo } from "./retention-repo.ts";
import type { DB } from "./schema.ts";
import { SettingsRepo } from "./settings-repo.ts";
import { TelegramInboxRepo } from "./telegram-inbox-repo.ts";
import { TelegramJobsRepo } from "./telegram-jobs-repo.ts";
import { TelegramPaymentsRepo } from "./telegram-payments-repo.ts";
import { TelegramUsersRepo } from "./telegram-users-repo.ts";
import { TenantsRepo } from "./tenants-repo.ts";
import { TokenCache } from "./token-cache.ts";
import { TokensRepo } from "./tokens-repo.ts";
import { WebhookDeliveriesRepo } from "./webhook-deliveries-repo.ts";
import { WorkLeasesRepo } from "./work-leases-repo.ts";

export type { AuditEntry } from "./audit-repo.ts";
export { BatchesRepo, type BatchItem, type ListBatchesOptions } from "./batches-repo.ts";
export { BlobReferencesRepo } from "./blob-references-repo.ts";
export { CreatedModelsRepo } from "./created-models-repo.ts";
export { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
export {
  type Database,
  DatabaseConnectionError,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database.ts";
export {
  type FairShareScope,
  FairSharesRepo,
  type ServedCount,
  type ServedCountChanges,
} from "./fair-shares-repo.ts";
export { FilesRepo, type ListFilesOptions, type StoredFile } from "./files-repo.ts";
export { type GalleryEntry, GalleryRepo, type ListGalleryOptions } from "./gallery-repo.ts";
export { type LoraPatch, LorasRepo } from "./loras-repo.ts";
export type { CreationOrder, KeysetCursor } from "./newest-first.ts";
export {
  type DuePredictionsOptions,
  type ListPredictionsOptions,
  type PredictionFilters,
  type PredictionPatch,
  PredictionsRepo,
  type RowDamage,
  type StoredPrediction,
} from "./predictions-repo.ts";
export { ProviderJournalRepo } from "./provider-journal-repo.ts";
export { type ReceivedWebhook, ReceivedWebhooksRepo } from "./received-webhooks-repo.ts";
export { type DataRemoval, type RemovedData, RetentionRepo } from "./retention-repo.ts";
export type { DB } from "./schema.ts";
export { SettingsRepo } from "./settings-repo.ts";
export { type Singleton, type SingletonOptions, startSingleton } from "./singleton.ts";
export { type InboxUpdate, TelegramInboxRepo } from "./telegram-inbox-repo.ts";
export { type TelegramJob, type TelegramJobKind, TelegramJobsRepo } from "./telegram-jobs-repo.ts";
export { type TelegramPayment, TelegramPaymentsRepo } from "./telegram-payments-repo.ts";
export { type TelegramUser, type TelegramUserSettings, TelegramUsersRepo } from "./telegram-users-repo.ts";
export type { Tenant } from "./tenants-repo.ts";
export type { NewToken } from "./tokens-repo.ts";
export { type ApiToken, TokensRepo } from "./tokens-repo.ts";
export {
  type DeliveryAttempt,
  WebhookDeliveriesRepo,
  type WebhookDelivery,
  type WebhookDeliveryState,
} from "./webhook-deliveries-repo.ts";
export { WorkLeasesRepo } from "./work-leases-repo.ts";

export interface Store {
  predictions: PredictionsRepo;
  tokens: TokensRepo;
  files: FilesRepo;
  webhookDeliveries: WebhookDeliveriesRepo;
  settings: SettingsRepo;
  batches: BatchesRepo;
  loras: LorasRepo;
  /** Models made through POST /v1/models. */
  createdModels: CreatedModelsRepo;
  gallery: GalleryRepo;
  telegram: TelegramRepos;
  retention: RetentionRepo;
  blobReferences: BlobReferencesRepo;
  /** The providers' journals (their records of creates and starts). */
  providerJournals: ProviderJournalRepo;
  /** Leases on work one live process at a time may do. */
  workLeases: WorkLeasesRepo;
  fairShares: FairSharesRepo;
  receivedWebhooks: ReceivedWebhooksRepo;
  tenants: TenantsRepo;
  /** Budget holds and usage, in-flight limits, and the spend ledger. */
  budgets: BudgetsRepo;
  /** Admin actions, as they were done. */
  audit: AuditRepo;
  /** What a repository writes with: the database, or a transaction the work is stored in. */
  writer: StoreWriter;
  database: Database;
}

export type StoreWriter = Kysely<DB>;

/** The Telegram bot's own state. */
export interface TelegramRepos {
  inbox: TelegramInboxRepo;
  users: TelegramUsersRepo;
  jobs: TelegramJobsRepo;
  payments: TelegramPaymentsRepo;
}

export function createStore(database: Database): Store {
  const { db } = database;
  const tokenCache = new TokenCache();
  return {
    predictions: new PredictionsRepo(db, database.dialect),
    tokens: new TokensRepo(db, tokenCache),
    files: new FilesRepo(db),
    webhookDeliveries: new WebhookDeliveriesRepo(db, database.dialect),
    settings: new SettingsRepo(db),
    batches: new BatchesRepo(db),
    loras: new LorasRepo(db),
    createdModels: new CreatedModelsRepo(db),
    gallery: new GalleryRepo(db),
    telegram: {
      inbox: new TelegramInboxRepo(db),
      users: new TelegramUsersRepo(db),
      jobs: new TelegramJobsRepo(db),
      payments: new TelegramPaymentsRepo(db),
    },
    retention: new RetentionRepo(db, database.dialect),
    blobReferences: new BlobReferencesRepo(db),
    providerJournals: new ProviderJournalRepo(db),
    workLeases: new WorkLeasesRepo(db, database.dialect),
    fairShares: new FairSharesRepo(db),
    receivedWebhooks: new ReceivedWebhooksRepo(db),
    tenants: new TenantsRepo(db, tokenCache),
    budgets: new BudgetsRepo(db),
    audit: new AuditRepo(db),
    writer: db,
    database,
  };
}
