import { BatchesRepo } from "./batches-repo.ts";
import type { Database } from "./database.ts";
import { FilesRepo } from "./files-repo.ts";
import { GalleryRepo } from "./gallery-repo.ts";
import { LorasRepo } from "./loras-repo.ts";
import { PredictionsRepo } from "./predictions-repo.ts";
import { SettingsRepo } from "./settings-repo.ts";
import { TokensRepo } from "./tokens-repo.ts";
import { WebhookDeliveriesRepo } from "./webhook-deliveries-repo.ts";

export { BatchesRepo, type BatchItem, type ListBatchesOptions } from "./batches-repo.ts";
export { type DataDirLock, lockDataDir } from "./data-dir-lock.ts";
export {
  type Database,
  DatabaseConnectionError,
  type OpenDatabaseOptions,
  openDatabase,
} from "./database.ts";
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
export type { DB } from "./schema.ts";
export { SettingsRepo } from "./settings-repo.ts";
export { type Singleton, type SingletonOptions, startSingleton } from "./singleton.ts";
export { type ApiToken, TokensRepo } from "./tokens-repo.ts";
export {
  type DeliveryAttempt,
  WebhookDeliveriesRepo,
  type WebhookDelivery,
  type WebhookDeliveryState,
} from "./webhook-deliveries-repo.ts";

export interface Store {
  predictions: PredictionsRepo;
  tokens: TokensRepo;
  files: FilesRepo;
  webhookDeliveries: WebhookDeliveriesRepo;
  settings: SettingsRepo;
  batches: BatchesRepo;
  loras: LorasRepo;
  gallery: GalleryRepo;
  database: Database;
}

export function createStore(database: Database): Store {
  const { db } = database;
  return {
    predictions: new PredictionsRepo(db, database.dialect),
    tokens: new TokensRepo(db),
    files: new FilesRepo(db),
    webhookDeliveries: new WebhookDeliveriesRepo(db),
    settings: new SettingsRepo(db),
    batches: new BatchesRepo(db),
    loras: new LorasRepo(db),
    gallery: new GalleryRepo(db),
    database,
  };
}
