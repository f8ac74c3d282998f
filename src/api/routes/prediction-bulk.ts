/**
 * Bulk actions on a selection of the caller's predictions, chosen by the list's filters and/or by
 * ids: cancel the unfinished ones, or run each one again as a new prediction. `dry_run` answers
 * which predictions an action would take, for the client to confirm and then send back as `ids`.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../../core/errors.ts";
import { ID_PATTERN } from "../../core/ids.ts";
import { type ClientStatus, clientStatus, type Prediction } from "../../core/prediction.ts";
import type { ApiToken } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { predictionFilterFields, storeFilters } from "../prediction-filters.ts";
import { readJson } from "../request-body.ts";

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 100;
const UNFINISHED: readonly ClientStatus[] = ["starting", "processing"];

const bulkSchema = z.strictObject({
  ...predictionFilterFields,
  ids: z
    .array(z.string().regex(ID_PATTERN, "ids must hold prediction ids"))
    .max(MAX_LIMIT, `ids must hold at most ${MAX_LIMIT} ids`)
    .optional(),
  limit: z
    .int({ error: "limit must be a whole number" })
    .min(1, "limit must be at least 1")
    .max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`)
    .default(DEFAULT_LIMIT),
  dry_run: z.boolean({ error: "dry_run must be true or false" }).default(false),
});

type BulkRequest = z.infer<typeof bulkSchema>;

/** What happened to one selected prediction: its status after the action, or why the action failed. */
interface BulkItem {
  id: string;
  status?: string;
  /** The new prediction a re-run made. */
  new_id?: string;
  error?: string;
}

export function predictionBulkRoutes({ engine }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  /**
   * The selected predictions, oldest first (the order they were made in), at most `limit`, and
   * whether more matched. `onlyStatuses` narrows any status the client asked for.
   */
  const select = async (request: BulkRequest, token: ApiToken, onlyStatuses?: readonly ClientStatus[]) => {
    const filters = storeFilters(request, token);
    if (onlyStatuses) {
      filters.statuses = (filters.statuses ?? onlyStatuses).filter((status) => onlyStatuses.includes(status));
    }
    if (request.ids) filters.ids = request.ids;
    const rows = await engine.list({ ...filters, order: "oldest", limit: request.limit + 1 });
    return { selected: rows.slice(0, request.limit), more: rows.length > request.limit };
  };

  const run = async (
    c: Context<ApiEnv>,
    onlyStatuses: readonly ClientStatus[] | undefined,
    act: (prediction: Prediction) => Promise<Omit<BulkItem, "id">>,
  ) => {
    const request = await readJson(c, bulkSchema);
    const { limit, dry_run, ...choice } = request;
    if (Object.values(choice).every((value) => value === undefined)) {
      throw new GatewayError("invalid_input", "Request body must choose predictions by a filter or by ids", {
        invalidFields: [{ type: "required", field: "body", description: "give ids or at least one filter" }],
      });
    }
    const { selected, more } = await select({ ...choice, limit, dry_run }, c.get("token"), onlyStatuses);
    const items: BulkItem[] = [];
    for (const prediction of selected) {
      if (dry_run) {
        items.push({ id: prediction.id });
        continue;
      }
      try {
        items.push({ id: prediction.id, ...(await act(prediction)) });
      } catch (error) {
        items.push({ id: prediction.id, error: GatewayError.from(error).message });
      }
    }
    const failed = items.filter((item) => item.error !== undefined).length;
    return c.json({
      dry_run,
      selected: items.length,
      done: dry_run ? 0 : items.length - failed,
      failed,
      more,
      results: items,
    });
  };

  app.post("/predictions/bulk-cancel", (c) =>
    run(c, UNFINISHED, async (prediction) => {
      const canceled = await engine.cancel(prediction.id, ownerScope(c.get("token")));
      return { status: clientStatus(canceled.state, canceled.upstreamPhase) };
    }),
  );

  app.post("/predictions/bulk-rerun", (c) =>
    run(c, undefined, async (prediction) => {
      const again = await engine.submit({
        model: prediction.route?.alias ?? prediction.model,
        input: prediction.route?.request ?? prediction.input,
        tokenId: c.get("token").id,
      });
      return { new_id: again.id };
    }),
  );

  return app;
}
