/**
 * Finds the Replicate training a lost create made, so the engine adopts it instead of training
 * twice: the same approach as find-create.ts, over `GET /trainings` (newest first).
 */
import { GatewayError } from "../../core/errors.ts";
import type { CreateIntent, CreateJournal } from "./create-journal.ts";
import { inputKey } from "./create-journal.ts";
import type { ReplicateHttp } from "./http-client.ts";
import { parseBody, predictionPageSchema, predictionSchema, type UpstreamPrediction } from "./schemas.ts";
import { parseTrainingTarget } from "./training-target.ts";

/** Without a journal entry, look back this far. */
const DEFAULT_WINDOW_MS = 15 * 60_000;
/** Clock skew between gengate and Replicate. */
const SKEW_MS = 2 * 60_000;
const MAX_PAGES = 20;

/** Added to a training's webhook URL: inbound webhooks and findTraining know it by this. */
export function trainingMarker(trainingId: string): string {
  return `training=${trainingId}`;
}

/** Any gengate marker, a prediction's or a training's. */
const markerOf = (training: UpstreamPrediction): string | undefined =>
  /[?&]((?:prediction|training)=[a-z0-9]+)(?:&|$)/.exec(training.webhook ?? "")?.[1];

const createdAt = (training: UpstreamPrediction) => Date.parse(training.created_at ?? "") || 0;

/** Whether `training` could be the one an intent made: trainer version, input, and destination when known. */
function matchesIntent(training: UpstreamPrediction, intent: CreateIntent): boolean {
  const target = parseTrainingTarget(intent.target);
  if (!target || !training.input) return false;
  if (training.version && training.version !== target.version) return false;
  if (!training.version && training.model !== target.trainer) return false;
  // The listing does not say where a training goes until it has made a version there.
  const made = (training.output as { version?: unknown } | null | undefined)?.version;
  if (typeof made === "string" && !made.startsWith(`${target.destination}:`)) return false;
  return intent.key === inputKey(training.input);
}

/**
 * The training a create for `trainingId` made: the one whose webhook carries its marker; else, for
 * creates without a webhook, the oldest with the same trainer version and input, that is not marked
 * for nor known to belong to other gengate work (the journal knows which creates answered).
 */
export function pickTraining(
  results: UpstreamPrediction[],
  trainingId: string,
  intents: CreateIntent[],
  ownedByOther: (upstreamId: string) => boolean,
): UpstreamPrediction | null {
  const marker = trainingMarker(trainingId);
  const marked = results.find((training) => markerOf(training) === marker);
  if (marked) return marked;
  const candidates = results.filter(
    (training) =>
      markerOf(training) === undefined &&
      !ownedByOther(training.id) &&
      intents.some((intent) => matchesIntent(training, intent)),
  );
  return candidates.sort((a, b) => createdAt(a) - createdAt(b))[0] ?? null;
}

export async function findTraining(
  trainingId: string,
  http: ReplicateHttp,
  journal: CreateJournal,
): Promise<UpstreamPrediction | null> {
  const entry = await journal.lookup(trainingId);
  const what = "looking for a training created before a retry or restart";
  if (entry.upstreamId) {
    try {
      const { body } = await http.request(`/trainings/${entry.upstreamId}`, { what });
      return parseBody(predictionSchema, body, "trainings.get");
    } catch (error) {
      if (!(error instanceof GatewayError && error.code === "not_found")) throw error;
    }
  }
  // Without an intent nothing was sent, unless the journal is gone: then only a marker can tell.
  const firstIntent = Math.min(...entry.intents.map((intent) => intent.at));
  const since = (Number.isFinite(firstIntent) ? firstIntent : Date.now() - DEFAULT_WINDOW_MS) - SKEW_MS;
  const results: UpstreamPrediction[] = [];
  let next: string | null | undefined = "/trainings";
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const { body } = await http.request(next, { what });
    const parsed = parseBody(predictionPageSchema, body, "trainings.list");
    let older = false;
    for (const item of parsed.results) {
      const training = predictionSchema.safeParse(item);
      if (!training.success) continue;
      if (training.data.created_at && createdAt(training.data) < since) older = true;
      else results.push(training.data);
    }
    // Newest first: a page reaching before the window ends the search, as does the marker.
    if (older || results.some((training) => markerOf(training) === trainingMarker(trainingId))) break;
    next = parsed.next;
  }
  const others = await journal.ownedByOthers(
    results.map((training) => training.id),
    trainingId,
  );
  return pickTraining(results, trainingId, entry.intents, (id) => others.has(id));
}
