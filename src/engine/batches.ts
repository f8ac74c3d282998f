/**
 * Batches: many generations submitted as one request, validated all together, stored as numbered
 * items that run as ordinary predictions behind interactive ones, and ended when the last item ends.
 */
import { createHash } from "node:crypto";
import {
  BATCH_ITEM_PRIORITY,
  type Batch,
  type BatchItemRequest,
  DEFAULT_NAME_TEMPLATE,
} from "../core/batch.ts";
import { toBatchJson } from "../core/batch-json.ts";
import { GatewayError, type InvalidField } from "../core/errors.ts";
import { newId } from "../core/ids.ts";
import { checkItemNames, type NameTemplate, parseNameTemplate } from "../core/name-template.ts";
import { outputPathProblem } from "../core/output-path.ts";
import { isTerminal, type Prediction } from "../core/prediction.ts";
import type { ApiToken, BatchItem, KeysetCursor } from "../store/index.ts";
import type { Admissions } from "./admissions.ts";
import type { EngineContext } from "./engine-context.ts";
import { batchChannel } from "./events.ts";
import { relink, type StoredInputs } from "./file-inputs.ts";
import type { SubmitRequest } from "./requests.ts";
import type { WebhookSender } from "./webhook-sender.ts";

/** Beyond this many bad fields the 422 says how many more there are. */
const MAX_REPORTED_FIELDS = 100;
/** An item's metadata is returned with every read of the batch: it stays small. */
const MAX_METADATA_BYTES = 16 * 1024;
/** Items canceled at once when a batch is canceled. */
const CANCEL_PARALLELISM = 8;

/** One item as the client sent it. */
export interface BatchItemInput {
  model?: string;
  input?: Record<string, unknown>;
  outputPath?: string;
  metadata?: Record<string, unknown>;
}

export interface BatchRequest {
  /** The model of items that name none. */
  model?: string;
  /** Input shared by every item; an item's own input wins. */
  input?: Record<string, unknown>;
  items: BatchItemInput[];
  nameTemplate?: string;
  concurrency?: number;
  webhook?: string;
  tokenId: string | null;
  /** The token as authenticated, whose limits are checked (read again by `tokenId` when absent). */
  owner?: ApiToken;
  idempotencyKey?: string;
  /** How long each item's data is kept once it ends, when the client chose. */
  retentionMs?: number;
}

export interface BatchServiceDeps {
  prepare(request: SubmitRequest): Promise<Prediction>;
  /** Stores a prepared prediction's data URLs as uploads (reusing `links`), once the batch is accepted. */
  storeInputs(prediction: Prediction, links: Map<string, string>): Promise<StoredInputs>;
  cancel(predictionId: string): Promise<Prediction>;
  wakeDispatcher(): void;
  webhooks: WebhookSender;
  admissions: Admissions;
}

export class BatchService {
  private readonly ctx: EngineContext;
  private readonly deps: BatchServiceDeps;

  constructor(ctx: EngineContext, deps: BatchServiceDeps) {
    this.ctx = ctx;
    this.deps = deps;
  }

  /** The new batch, or with an Idempotency-Key already used for the same request, the earlier one. */
  async create(request: BatchRequest): Promise<{ batch: Batch; created: boolean }> {
    const requestHash = hashOf(request);
    const idempotencyKey =
      request.idempotencyKey === undefined ? null : `${request.tokenId ?? ""}:${request.idempotencyKey}`;
    const earlier = idempotencyKey ? await this.ctx.store.batches.findByIdempotencyKey(idempotencyKey) : null;
    if (earlier) return { batch: sameRequest(earlier, requestHash), created: false };

    const nameTemplate = request.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
    const template = parseNameTemplate(nameTemplate);
    const batchId = newId();
    const prepared = await this.prepareItems(request, template, batchId);
    checkItemNames(template, prepared);
    const items = await this.storeInputs(prepared);
    const batch: Batch = {
      id: batchId,
      tokenId: request.tokenId,
      idempotencyKey,
      requestHash,
      nameTemplate,
      concurrency: request.concurrency ?? null,
      webhook: request.webhook ?? null,
      status: "processing",
      itemCount: items.length,
      createdAt: Date.now(),
      completedAt: null,
    };
    try {
      await this.deps.admissions.store(
        request.owner ?? request.tokenId,
        items.map((item) => item.prediction),
        (db) => this.ctx.store.batches.create(batch, items, db),
      );
    } catch (error) {
      // The same key sent twice at once: the other request stored its batch first.
      const winner = idempotencyKey
        ? await this.ctx.store.batches.findByIdempotencyKey(idempotencyKey)
        : null;
      if (winner) return { batch: sameRequest(winner, requestHash), created: false };
      throw error;
    }
    this.deps.wakeDispatcher();
    return { batch, created: true };
  }

  /**
   * Every item checked before anything is stored: one bad item fails the request, naming its fields.
   * Input fields the name template names go to the model only if it takes them.
   */
  private async prepareItems(
    request: BatchRequest,
    template: NameTemplate,
    batchId: string,
  ): Promise<(BatchItemRequest & { prediction: Prediction })[]> {
    const items: (BatchItemRequest & { prediction: Prediction })[] = [];
    const invalid: InvalidField[] = [];
    for (const [position, item] of request.items.entries()) {
      const at = `items[${position}]`;
      const model = item.model ?? request.model;
      const input = { ...request.input, ...item.input };
      invalid.push(...extrasFields(item, at));
      if (model === undefined) {
        invalid.push({
          type: "required",
          field: `${at}.model`,
          description: "set the item's or the batch's model",
        });
        continue;
      }
      try {
        const prediction = await this.deps.prepare({
          model,
          input,
          priority: BATCH_ITEM_PRIORITY,
          batchId,
          sendIfTaken: template.fields,
          ...(request.tokenId !== null && { tokenId: request.tokenId }),
          ...(request.retentionMs !== undefined && { retentionMs: request.retentionMs }),
        });
        const { outputPath, metadata } = item;
        items.push({
          index: position + 1,
          model,
          input,
          ...(outputPath !== undefined && { outputPath }),
          ...(metadata !== undefined && { metadata }),
          prediction,
        });
      } catch (error) {
        invalid.push(...itemFields(GatewayError.from(error), at));
      }
    }
    if (invalid.length > 0) throw invalidItems(invalid);
    return items;
  }

  /**
   * Each item with its data URLs stored as uploads, in its prediction and in its own input alike;
   * a data URL several items share is stored once.
   */
  private async storeInputs<T extends BatchItemRequest & { prediction: Prediction }>(
    items: T[],
  ): Promise<T[]> {
    const stored: T[] = [];
    const links = new Map<string, string>();
    for (const item of items) {
      const { prediction } = await this.deps.storeInputs(item.prediction, links);
      const input = (await relink(item.input, links)) as Record<string, unknown>;
      stored.push({ ...item, input, prediction });
    }
    return stored;
  }

  async get(id: string, tokenId?: string): Promise<Batch> {
    const batch = await this.ctx.store.batches.get(id);
    if (!batch || (tokenId !== undefined && batch.tokenId !== tokenId)) {
      throw new GatewayError("not_found", `batch ${id} not found`);
    }
    return batch;
  }

  items(id: string): Promise<BatchItem[]> {
    return this.ctx.store.batches.items(id);
  }

  list(options: { tokenId?: string; limit: number; before?: KeysetCursor }): Promise<Batch[]> {
    return this.ctx.store.batches.list(options);
  }

  /** Cancels every unfinished item; the batch ends as canceled. */
  async cancel(id: string, tokenId?: string): Promise<Batch> {
    await this.get(id, tokenId);
    const canceled = await this.ctx.store.batches.markCanceled(id, Date.now());
    const unfinished = (await this.items(id)).filter((item) => !isTerminal(item.prediction.state));
    for (let i = 0; i < unfinished.length; i += CANCEL_PARALLELISM) {
      const slice = unfinished.slice(i, i + CANCEL_PARALLELISM);
      await Promise.all(slice.map((item) => this.deps.cancel(item.prediction.id)));
    }
    if (canceled) await this.ended(canceled);
    return this.get(id, tokenId);
  }

  /** Runs every failed item again as a new prediction; the batch is processing until they end. */
  async retry(id: string, tokenId?: string): Promise<Batch> {
    const batch = await this.get(id, tokenId);
    // An item whose data retention removed has no input left to run again.
    const failed = (await this.items(id)).filter(
      (item) => item.prediction.state === "failed" && !item.prediction.dataRemovedAt,
    );
    if (failed.length === 0) return batch;
    const { fields } = parseNameTemplate(batch.nameTemplate);
    const again: { index: number; prediction: Prediction }[] = [];
    for (const item of failed) {
      const prediction = await this.deps.prepare({
        model: item.model,
        input: item.input,
        priority: BATCH_ITEM_PRIORITY,
        batchId: id,
        sendIfTaken: fields,
        ...(batch.tokenId !== null && { tokenId: batch.tokenId }),
        ...(typeof item.prediction.retentionMs === "number" && { retentionMs: item.prediction.retentionMs }),
      });
      again.push({ index: item.index, prediction });
    }
    await this.deps.admissions.store(
      batch.tokenId,
      again.map((item) => item.prediction),
      (db) => this.ctx.store.batches.replaceItems(id, again, db),
    );
    this.ctx.events.publish(batchChannel(id), { type: "batch", status: "processing" });
    this.deps.wakeDispatcher();
    return this.get(id, tokenId);
  }

  /** Called on every change of a batch item's prediction: tells listeners, ends the batch after its last item. */
  async itemChanged(before: Prediction, after: Prediction): Promise<void> {
    if (!after.batchId) return;
    this.ctx.events.publish(batchChannel(after.batchId), { type: "update", prediction: after });
    if (isTerminal(after.state) && !isTerminal(before.state)) await this.completeIfDone(after.batchId);
  }

  /** Ends batches whose last item ended while the process was stopping; one that cannot be is logged and left. */
  async recover(): Promise<void> {
    for (const id of await this.ctx.store.batches.processingIds()) {
      try {
        await this.completeIfDone(id);
      } catch (error) {
        this.ctx.logger.error({ batch: id, err: error }, "could not end a batch after restart");
      }
    }
  }

  private async completeIfDone(id: string): Promise<void> {
    const completed = await this.ctx.store.batches.completeIfDone(id, Date.now());
    if (completed) await this.ended(completed);
  }

  private async ended(batch: Batch): Promise<void> {
    this.ctx.events.publish(batchChannel(batch.id), { type: "batch", status: batch.status });
    if (!batch.webhook) return;
    const items = await this.items(batch.id);
    const cost = this.ctx.catalog.pricing.sum(items.map((item) => item.prediction));
    const json = toBatchJson(
      batch,
      items,
      { usd: cost.usd, unpriced_items: cost.unpricedItems },
      this.ctx.fileLinks.for(this.ctx.baseUrl()),
    );
    await this.deps.webhooks.enqueue(batch, "completed", batch.webhook, json);
  }
}

function hashOf(request: BatchRequest): string {
  const { tokenId: _token, owner: _owner, idempotencyKey: _key, ...body } = request;
  return createHash("sha256").update(JSON.stringify(body)).digest("hex");
}

function sameRequest(batch: Batch, requestHash: string): Batch {
  if (batch.requestHash === requestHash) return batch;
  throw new GatewayError(
    "conflict",
    `Idempotency-Key was already used for batch ${batch.id} with a different request; use a new key`,
  );
}

/** What is wrong with an item's output path and metadata, as fields under `at`. */
function extrasFields(item: BatchItemInput, at: string): InvalidField[] {
  const fields: InvalidField[] = [];
  const pathProblem = item.outputPath === undefined ? undefined : outputPathProblem(item.outputPath);
  if (pathProblem !== undefined)
    fields.push({ type: "format", field: `${at}.output_path`, description: `output_path ${pathProblem}` });
  const metadataBytes = item.metadata === undefined ? 0 : Buffer.byteLength(JSON.stringify(item.metadata));
  if (metadataBytes > MAX_METADATA_BYTES)
    fields.push({
      type: "size",
      field: `${at}.metadata`,
      description: `metadata is ${metadataBytes} bytes of JSON; at most ${MAX_METADATA_BYTES}`,
    });
  return fields;
}

/** An item's validation failure as fields under `items[i]`; failures that are not the item's fault pass through. */
function itemFields(error: GatewayError, at: string): InvalidField[] {
  if (error.code === "invalid_input" && error.invalidFields) {
    return error.invalidFields.map((field) => ({ ...field, field: `${at}.${field.field}` }));
  }
  if (error.code === "not_found" || error.code === "bad_request" || error.code === "invalid_input") {
    return [{ type: error.code, field: `${at}.model`, description: error.message }];
  }
  throw error;
}

function invalidItems(invalid: InvalidField[]): GatewayError {
  const shown = invalid.slice(0, MAX_REPORTED_FIELDS);
  const more = invalid.length - shown.length;
  const lines = shown.map((field) => `- ${field.field}: ${field.description}`);
  if (more > 0) lines.push(`- and ${more} more`);
  return new GatewayError("invalid_input", `Batch validation failed\n${lines.join("\n")}`, {
    invalidFields: shown,
  });
}
