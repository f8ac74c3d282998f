/**
 * The simulated upstream's memory, in the sim's journal in gengate's database: one record per
 * start of a prediction or a training (stored before start() returns) and per cancel, read by
 * every process of the deployment. Trainings are kept for good: they are the sim's record of
 * trained versions.
 */
import type { ProviderJournal } from "../../core/provider-journal.ts";
import type { StartResult } from "../provider.ts";

const START = "start";
const TRAINING = "training";
const CANCEL = "cancel";

const isTraining = (start: StartResult) =>
  (start.operation as { kind?: unknown } | null)?.kind === "training";

export class SimJournal {
  readonly #journal: ProviderJournal;

  constructor(journal: ProviderJournal) {
    this.#journal = journal;
  }

  async recordStart(predictionId: string, start: StartResult): Promise<void> {
    await this.#journal.append({
      kind: isTraining(start) ? TRAINING : START,
      workId: predictionId,
      upstreamId: start.upstreamId,
      body: start.operation,
      at: Date.now(),
    });
  }

  async recordCancel(upstreamId: string): Promise<void> {
    await this.#journal.append({ kind: CANCEL, workId: null, upstreamId, body: null, at: Date.now() });
  }

  /** The first start recorded for the prediction or training. */
  async findStart(predictionId: string): Promise<StartResult | null> {
    const [first] = await this.#journal.find({ kind: [START, TRAINING], workId: predictionId });
    return first ? { upstreamId: first.upstreamId ?? "", operation: first.body } : null;
  }

  /** Every training started, oldest first: the sim's record of trained versions. */
  async trainingStarts(): Promise<StartResult[]> {
    const trainings = await this.#journal.find({ kind: TRAINING });
    return trainings.map((record) => ({ upstreamId: record.upstreamId ?? "", operation: record.body }));
  }

  /** Which of `upstreamIds` were canceled. */
  async canceled(upstreamIds: readonly string[]): Promise<Set<string>> {
    const cancels = await this.#journal.find({ kind: CANCEL, upstreamId: upstreamIds });
    return new Set(cancels.map((record) => record.upstreamId ?? ""));
  }

  async isCanceled(upstreamId: string): Promise<boolean> {
    return (await this.canceled([upstreamId])).has(upstreamId);
  }
}

/** How many times start() ran for each prediction or training id, by every process, as `journal` says. */
export async function simStartCounts(journal: ProviderJournal): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { workId } of await journal.find({ kind: [START, TRAINING] })) {
    if (workId !== null) counts.set(workId, (counts.get(workId) ?? 0) + 1);
  }
  return counts;
}
