/** Row types of the tables, as Kysely sees them. JSON columns hold text; booleans are 0/1. */
import type { Generated } from "kysely";
import type { BatchStatus } from "../core/batch.ts";
import type { LoraStatus } from "../core/lora.ts";
import type { PredictionState, UpstreamPhase, WebhookEvent } from "../core/prediction.ts";

export type WebhookDeliveryState = "pending" | "delivered" | "failed";

export interface PredictionsTable {
  id: string;
  model: string;
  version: string;
  provider: string;
  provider_model: string;
  input: string;
  output: string | null;
  logs: string;
  error: string | null;
  state: PredictionState;
  upstream_phase: UpstreamPhase | null;
  upstream_id: string | null;
  submit_id: string | null;
  operation: string | null;
  attempts: number;
  webhook: string | null;
  webhook_events_filter: string | null;
  token_id: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  next_check_at: number;
  deadline_at: number | null;
  cancel_requested_at: number | null;
  metrics: string;
  streaming: number;
  priority: number;
  route: string | null;
  batch_id: string | null;
  destination: string | null;
  warnings: string | null;
  /** The client's own retention for this prediction; null: the gateway's default. */
  retention_ms: number | null;
  /** When its files and data go: `completed_at + retention_ms`, set when it ends. */
  retain_until: number | null;
  data_removed_at: number | null;
  /** The W3C traceparent of the request that made it, for the worker to continue its trace. */
  trace_parent: string | null;
}

export interface ApiTokensTable {
  id: string;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  webhook_signing_key: string | null;
  tenant_id: string | null;
  /** JSON array of scope names. */
  scopes: string;
  /** JSON object: the token's own limits (core/limits.ts). */
  limits: string;
}

export interface TenantsTable {
  id: string;
  name: string;
  /** JSON object: the tenant's limits (core/limits.ts). */
  limits: string;
  created_at: number;
}

export interface BudgetUsageTable {
  scope: "token" | "tenant";
  owner_id: string;
  period_start: number;
  /** Micro-dollars held by admitted work not settled yet. */
  held: number;
  /** Micro-dollars settled in this period. */
  spent: number;
  alerted_at: number | null;
}

export interface BudgetHoldsTable {
  prediction_id: string;
  token_id: string;
  tenant_id: string | null;
  token_period: number | null;
  tenant_period: number | null;
  token_counted: number;
  tenant_counted: number;
  amount: number;
  created_at: number;
}

export interface InFlightTable {
  scope: "token" | "tenant";
  owner_id: string;
  count: number;
}

export interface SpendLedgerTable {
  prediction_id: string;
  run: number;
  kind: "prediction" | "training";
  provider: string;
  provider_model: string;
  model: string;
  token_id: string | null;
  tenant_id: string | null;
  cost: number | null;
  predict_time: number;
  at: number;
}

export interface AuditLogTable {
  id: string;
  created_at: number;
  actor_token_id: string;
  action: string;
  target: string;
  /** JSON object. */
  detail: string;
  ip: string | null;
}

export interface FilesTable {
  id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  md5: string;
  storage_key: string;
  metadata: string;
  token_id: string | null;
  created_at: number;
  expires_at: number | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  subject_id: string;
  event: WebhookEvent;
  url: string;
  payload: string;
  state: WebhookDeliveryState;
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  token_id: string | null;
  trace_parent: string | null;
}

export interface BatchesTable {
  id: string;
  token_id: string | null;
  idempotency_key: string | null;
  request_hash: string;
  name_template: string;
  concurrency: number | null;
  webhook: string | null;
  status: BatchStatus;
  item_count: number;
  created_at: number;
  completed_at: number | null;
}

export interface BatchItemsTable {
  batch_id: string;
  item_index: number;
  prediction_id: string;
  model: string;
  input: string;
  output_path: string | null;
  /** JSON object, or null. */
  metadata: string | null;
}

export interface LorasTable {
  id: string;
  token_id: string | null;
  owner_name: string;
  name: string;
  trigger_word: string;
  provider: string;
  trainer: string;
  params: string;
  photo_count: number;
  zip_key: string;
  zip_url: string | null;
  destination: string | null;
  training_id: string | null;
  version: string | null;
  weights_key: string | null;
  sample_count: number;
  sample_ids: string;
  webhook: string | null;
  status: LoraStatus;
  error: string | null;
  created_at: number;
  completed_at: number | null;
  next_check_at: number;
}

/** A model made through `POST /v1/models`. */
export interface CreatedModelsTable {
  full_name: string;
  owner: string;
  name: string;
  token_id: string | null;
  provider: string;
  upstream: number;
  visibility: string;
  hardware: string;
  description: string | null;
  links: string;
  created_at: number;
}

export interface FavoritesTable {
  token_id: string;
  prediction_id: string;
  output_index: number;
  created_at: number;
}

/** A blob a prediction holds (an output, recorded as soon as it is stored). */
export interface PredictionFilesTable {
  storage_key: string;
  prediction_id: string;
}

/** A blob being deleted now: a prediction storing the same bytes meanwhile stores them again. */
export interface BlobRemovalsTable {
  storage_key: string;
  started_at: number;
}

export interface RateBucketsTable {
  key: string;
  tokens: number;
  updated_at: number;
}

export interface CircuitsTable {
  key: string;
  circuit: string;
}

export interface ProviderJournalTable {
  seq: Generated<number>;
  provider: string;
  kind: string;
  work_id: string | null;
  upstream_id: string | null;
  body: string | null;
  at: number;
}

export interface WorkLeasesTable {
  name: string;
  holder: string;
  expires_at: number;
}

export interface FairSharesTable {
  provider: string;
  scope: string;
  key: string;
  served: number;
}

export interface ReceivedWebhooksTable {
  prediction_id: string;
  upstream_id: string;
  url: string;
  headers: string;
  body: string;
  received_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface TelegramUpdatesTable {
  update_id: number;
  chat_id: number;
  payload: string;
  state: "pending" | "handling" | "done";
  received_at: number;
  claimed_at: number | null;
}

export interface TelegramUsersTable {
  user_id: number;
  token_id: string;
  first_name: string;
  language: string;
  model: string | null;
  aspect_ratio: string;
  num_outputs: number;
  credits: number;
  blocked_at: number | null;
  created_at: number;
}

export interface TelegramDraftPhotosTable {
  user_id: number;
  file_unique_id: string;
  file_id: string;
  added_at: number;
}

export interface TelegramJobsTable {
  id: string;
  user_id: number;
  chat_id: number;
  kind: "generate" | "tool" | "train";
  work_id: string;
  request: string;
  images: number;
  status_message_id: number | null;
  state: "running" | "delivering" | "delivered";
  claimed_at: number | null;
  seed: number | null;
  created_at: number;
  delivered_at: number | null;
}

export interface TelegramPaymentsTable {
  charge_id: string;
  user_id: number;
  stars: number;
  images: number;
  created_at: number;
  refunded_at: number | null;
}

export interface DB {
  predictions: PredictionsTable;
  api_tokens: ApiTokensTable;
  files: FilesTable;
  webhook_deliveries: WebhookDeliveriesTable;
  settings: SettingsTable;
  batches: BatchesTable;
  batch_items: BatchItemsTable;
  loras: LorasTable;
  favorites: FavoritesTable;
  created_models: CreatedModelsTable;
  telegram_updates: TelegramUpdatesTable;
  telegram_users: TelegramUsersTable;
  telegram_draft_photos: TelegramDraftPhotosTable;
  telegram_jobs: TelegramJobsTable;
  telegram_payments: TelegramPaymentsTable;
  prediction_files: PredictionFilesTable;
  blob_removals: BlobRemovalsTable;
  rate_buckets: RateBucketsTable;
  circuits: CircuitsTable;
  provider_journal: ProviderJournalTable;
  work_leases: WorkLeasesTable;
  fair_shares: FairSharesTable;
  received_webhooks: ReceivedWebhooksTable;
  tenants: TenantsTable;
  budget_usage: BudgetUsageTable;
  budget_holds: BudgetHoldsTable;
  in_flight: InFlightTable;
  spend_ledger: SpendLedgerTable;
  audit_log: AuditLogTable;
}
