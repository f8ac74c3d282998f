/**
 * Finds the Replicate prediction a lost create made, so the engine adopts it instead of paying
 * twice (reference/replicate.md §13.2: re-query `GET /predictions` with `created_after`).
 */
import { GatewayError } from "../../core/errors.ts";
import type { CreateIntent, CreateJournal } from "./create-journal.ts";
import { inputKey } from "./create-journal.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { parseBody, predictionPageSchema, predictionSchema, type UpstreamPrediction } from "./schemas.ts";
import { parseTarget } from "./target.ts";

/** Without a journal entry, look back this far. */
const DEFAULT_WINDOW_MS = 15 * 60_000;
/** Clock skew between gengate and Replicate. */
const SKEW_MS = 2 * 60_000;
const MAX_PAGES = 20;

export function webhookMarker(predictionId: string): string {
  return `prediction=${predictionId}`;
}

const markerOf = (prediction: UpstreamPrediction): string | undefined =>
  /[?&](prediction=[a-z0-9]+)(?:&|$)/.exec(prediction.webhook ?? "")?.[1];

function sameTarget(prediction: UpstreamPrediction, providerModel: string): boolean {
  const target = parseTarget(providerModel);
  if (target.kind === "version") return prediction.version === target.version;
  if (target.kind === "model") return prediction.model === `${target.owner}/${target.name}`;
  // Deployment predictions name their deployment when Replicate says so.
  return !prediction.deployment || prediction.deployment === `${target.owner}/${target.name}`;
}

/**
 * The prediction a create for `predictionId` made: the one whose webhook carries its marker;
 * else, for creates without a webhook (gengate has no PUBLIC_URL), the oldest with the same
 * target and the same input, that is not marked for nor known to belong to another prediction.
 * Replicate keeps no client reference on a prediction, so identical input and target within the
 * window is the best evidence there is; the journal's record of other predictions' creates keeps
 * two identical requests from adopting the same work.
 */
export function pickCreate(
  results: UpstreamPrediction[],
  predictionId: string,
  intents: CreateIntent[],
  ownedByOther: (upstreamId: string) => boolean,
): UpstreamPrediction | null {
  const marker = webhookMarker(predictionId);
  const marked = results.find((prediction) => markerOf(prediction) === marker);
  if (marked) return marked;
  const candidates = results.filter(
    (prediction) =>
      markerOf(prediction) === undefined &&
      prediction.input &&
      !ownedByOther(prediction.id) &&
      intents.some(
        (intent) => intent.key === inputKey(prediction.input) && sameTarget(prediction, intent.target),
      ),
  );
  const created = (prediction: UpstreamPrediction) => Date.parse(prediction.created_at ?? "") || 0;
  return candidates.sort((a, b) => created(a) - created(b))[0] ?? null;
}

export async function findCreate(
  predictionId: string,
  http: ReplicateHttp,
  journal: CreateJournal,
): Promise<UpstreamPrediction | null> {
  const entry = await journal.lookup(predictionId);
  const what = "looking for a prediction created before a retry or restart";
  if (entry.upstreamId) {
    try {
      const { body } = await http.request(`/predictions/${entry.upstreamId}`, { what });
      return parseBody(predictionSchema, body, "predictions.get");
    } catch (error) {
      if (!(error instanceof GatewayError && error.code === "not_found")) throw error;
    }
  }
  const firstIntent = Math.min(...entry.intents.map((intent) => intent.at));
  const since = Number.isFinite(firstIntent) ? firstIntent : Date.now() - DEFAULT_WINDOW_MS;
  const results: UpstreamPrediction[] = [];
  let next: string | null | undefined =
    `/predictions?created_after=${encodeURIComponent(new Date(since - SKEW_MS).toISOString())}`;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const { body } = await http.request(next, { what });
    const parsed = parseBody(predictionPageSchema, body, "predictions.list");
    for (const item of parsed.results) {
      const prediction = predictionSchema.safeParse(item);
      if (prediction.success) results.push(prediction.data);
    }
    if (results.some((prediction) => markerOf(prediction) === webhookMarker(predictionId))) break;
    next = parsed.next;
  }
  const others = await journal.ownedByOthers(
    results.map((prediction) => prediction.id),
    predictionId,
  );
  return pickCreate(results, predictionId, entry.intents, (id) => others.has(id));
}
