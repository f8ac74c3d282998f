/**
 * What `gengate init` asks for each cloud provider: its key, and for the providers whose models are
 * listed in the configuration file (fal, RunPod), that section when the file has none yet.
 */
import { CliError } from "../cli-error.ts";

/** The answers `gengate init` takes as flags instead of asking, as commander names them. */
export interface AnswerOptions {
  replicateToken?: string;
  falKey?: string;
  falApps?: string;
  runpodKey?: string;
  runpodEndpoints?: string;
}

/** `--runpod-key` for `runpodKey`. */
export const flagOf = (option: keyof AnswerOptions) =>
  `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export interface SectionQuestion {
  /** The option that answers it without asking. */
  option: keyof AnswerOptions;
  question: string;
  /** What a blank answer means; without one a blank answer leaves the provider off. */
  defaultAnswer?: string;
  /** The configuration file's `providers.<id>` section for an answer (a CliError when it is malformed). */
  section(answer: string): Record<string, unknown>;
}

export interface ProviderSetup {
  id: "replicate" | "fal" | "runpod";
  label: string;
  variable: string;
  /** The option that gives the key without asking. */
  option: keyof AnswerOptions;
  models?: SectionQuestion;
}

/** `a=b, c` as pairs; an entry without `=` is named by `nameOf`. */
function entries(answer: string, nameOf: (value: string) => string): [string, string][] {
  return answer
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "")
    .map((entry) => {
      const equals = entry.indexOf("=");
      return equals === -1
        ? [nameOf(entry), entry]
        : [entry.slice(0, equals).trim(), entry.slice(equals + 1).trim()];
    });
}

const FAL_APPS: SectionQuestion = {
  option: "falApps",
  question: "fal apps to serve, comma-separated, each an app id or name=app id [flux-dev=fal-ai/flux/dev]: ",
  defaultAnswer: "flux-dev=fal-ai/flux/dev",
  section(answer) {
    // fal-ai/flux/dev is served as fal/flux-dev.
    const apps = entries(answer, (app) => app.split("/").slice(1).join("-"));
    return { apps: Object.fromEntries(apps.map(([name, app]) => [name, { app }])) };
  },
};

const RUNPOD_ENDPOINTS: SectionQuestion = {
  option: "runpodEndpoints",
  question:
    "RunPod endpoints, comma-separated, each name=endpointId:worker (a1111, comfyui, flux, or vllm:<served model>): ",
  section(answer) {
    const endpoints = entries(answer, (value) => {
      throw new CliError(
        `RunPod endpoint "${value}": write it as name=endpointId:worker, e.g. sdxl=abc123:a1111`,
      );
    }).map(([name, value]) => {
      const [endpointId = "", worker = "", ...model] = value.split(":");
      if (endpointId === "" || worker === "")
        throw new CliError(
          `RunPod endpoint ${name}: write it as ${name}=endpointId:worker, e.g. ${name}=abc123:a1111`,
        );
      return [name, { endpointId, worker, ...(model.length > 0 && { model: model.join(":") }) }] as const;
    });
    return { endpoints: Object.fromEntries(endpoints) };
  },
};

export const PROVIDER_SETUPS: ProviderSetup[] = [
  {
    id: "replicate",
    label: "Replicate API token",
    variable: "REPLICATE_API_TOKEN",
    option: "replicateToken",
  },
  { id: "fal", label: "fal key", variable: "FAL_KEY", option: "falKey", models: FAL_APPS },
  {
    id: "runpod",
    label: "RunPod API key",
    variable: "RUNPOD_API_KEY",
    option: "runpodKey",
    models: RUNPOD_ENDPOINTS,
  },
];
