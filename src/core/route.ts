/**
 * How a prediction of a catalog alias is routed: the targets that may serve it, in the order they
 * are tried, and a log of what happened to each one tried or skipped.
 */

/** What a target can do; a request needing more is moved to another target. */
export interface TargetCapabilities {
  referenceImage?: boolean;
  mask?: boolean;
  /** Takes one LoRA (gengate's `loras`, as `lora_weights` and `lora_scale` before renaming). */
  loras?: boolean;
  /** The base model the LoRAs it takes are made for: a request's LoRAs never move to another base. */
  loraBase?: string;
  streaming?: boolean;
  /** Honours OpenAI's `response_format` (json_object, json_schema) given as `response_format`. */
  jsonOutput?: boolean;
  maxOutputs?: number;
  /** How the target takes its size: `aspect_ratio` or `width`/`height`. */
  sizeForm?: "aspect_ratio" | "width_height";
  aspectRatios?: string[];
  /** Width and height are snapped to a multiple of this. */
  sizeMultipleOf?: number;
  formats?: string[];
}

export interface RouteTarget {
  /** `<alias>#<index>`: which catalog entry this is; circuit breakers are kept per key. */
  key: string;
  provider: string;
  /** The model reference as the provider knows it (`owner/name[:version]`). */
  model: string;
  capabilities: TargetCapabilities;
  /** gengate's normalised input name → the target's own name; null: the target does not take it. */
  params: Record<string, string | null>;
  /** Input always sent to this target (it wins over the request's). */
  input: Record<string, unknown>;
  /** A request parameter the target does not take: try the next target, or drop it with a warning. */
  onUnsupported: "fallback" | "drop";
  /** Runs that failed upstream are tried again on this target this many times before moving on. */
  retries: number;
}

export type RouteOutcome = "ran" | "skipped" | "failed";

export interface RouteLogEntry {
  target: string;
  provider: string;
  model: string;
  outcome: RouteOutcome;
  reason?: string;
}

/** A run that ended upstream (it failed) before the prediction moved on to another run. */
export interface EndedRun {
  provider: string;
  providerModel: string;
  /** Seconds of provider time it used. */
  predictTime: number;
}

export interface PredictionRoute {
  alias: string;
  /** The client's input, before it was mapped to a target. */
  request: Record<string, unknown>;
  /** The target running now. */
  current: RouteTarget;
  /** Failed runs of the current target so far. */
  failures: number;
  /** Targets still to try, in order. */
  remaining: RouteTarget[];
  log: RouteLogEntry[];
  /** Each adaptation of the request made for the current target. */
  warnings: string[];
  /** This prediction is the probe of the current target's half-open circuit. */
  probe?: boolean;
  /** Runs before the current one that used provider time, oldest first. */
  endedRuns?: EndedRun[];
}

export function logEntry(target: RouteTarget, outcome: RouteOutcome, reason?: string): RouteLogEntry {
  return {
    target: target.key,
    provider: target.provider,
    model: target.model,
    outcome,
    ...(reason !== undefined && { reason }),
  };
}
