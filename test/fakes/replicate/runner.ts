/** Starts and cancels predictions and trainings: picks what runs from the version's behaviour. */
import { type Catalog, isToolBehaviour } from "./catalog.ts";
import { outputIsList } from "./cog-schema.ts";
import type { DeliveryStore } from "./delivery.ts";
import { runEmbedding } from "./embedding-models.ts";
import type { FaultState } from "./faults.ts";
import type { InputSources } from "./input-image.ts";
import type { InputValidator } from "./input-validation.ts";
import { Lifecycle } from "./lifecycle.ts";
import { failRun, runImages, runText } from "./model-runs.ts";
import type { ResolvedOptions } from "./options.ts";
import type { PredictionEvents } from "./prediction-events.ts";
import type { PredictionRecord } from "./prediction-store.ts";
import type { Scheduler } from "./scheduler.ts";
import { runTool } from "./tool-runs.ts";
import type { TrainingInputRecord } from "./training-data.ts";
import { runTraining } from "./training-run.ts";

export interface RunnerDeps {
  options: ResolvedOptions;
  scheduler: Scheduler;
  events: PredictionEvents;
  catalog: Catalog;
  delivery: DeliveryStore;
  validator: InputValidator;
  faults: FaultState;
  inputs: InputSources;
  /** What each training found in its `input_images`. */
  trainingInputs: TrainingInputRecord[];
}

export class Runner {
  readonly #deps: RunnerDeps;
  readonly #lifecycle: Lifecycle;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.#lifecycle = new Lifecycle(deps.scheduler, deps.events, deps.options.bootMs);
  }

  start(record: PredictionRecord): void {
    const { catalog, validator, delivery, inputs, options } = this.#deps;
    const lifecycle = this.#lifecycle;
    const version = catalog.version(record.versionId);
    if (!version) throw new Error(`unknown version ${record.versionId}`);
    const failure = this.#deps.faults.takeRunFailure(version.model);
    if (record.kind === "training") {
      const input = validator.withDefaults(version, "TrainingInput", record.input);
      const received = this.#deps.trainingInputs;
      const deps = { lifecycle, catalog, delivery, inputs, received, trainingMs: options.trainingMs };
      lifecycle.start(record, () =>
        failure === undefined
          ? runTraining(record, input, deps)
          : lifecycle.later(record, options.trainingMs, () => failRun(lifecycle, record, failure)),
      );
      return;
    }
    const input = validator.withDefaults(version, "Input", record.input);
    const { min, max } = options.latencyMs;
    const deps = { lifecycle, delivery, inputs, runMs: () => min + Math.random() * (max - min) };
    const { behaviour } = version;
    lifecycle.start(record, () => {
      if (failure !== undefined)
        return lifecycle.later(record, deps.runMs(), () => failRun(lifecycle, record, failure));
      if (behaviour === "llm") return runText(record, input, deps);
      if (behaviour === "embed") return runEmbedding(record, input, deps);
      if (isToolBehaviour(behaviour)) return runTool(record, behaviour, input, deps);
      return runImages(record, behaviour, input, outputIsList(version.openapiSchema), deps);
    });
  }

  cancel(record: PredictionRecord): void {
    this.#lifecycle.cancel(record);
  }
}
