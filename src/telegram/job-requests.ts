/** What a bot job asked for, as kept with the job (so "Again" and "Vary" can ask it again). */
import type { TelegramJob } from "../store/index.ts";
import type { Texts } from "./texts/index.ts";

export interface GenerationRequest {
  model: string;
  prompt: string;
  aspectRatio: string;
  numOutputs: number;
  seed?: number;
}

export const TOOLS = {
  removebg: "gengate/remove-background",
  upscale: "gengate/upscale",
  restore: "gengate/restore-face",
  colorize: "gengate/colorize",
} as const;

export type ToolName = keyof typeof TOOLS;

export const isToolName = (name: string): name is ToolName => Object.hasOwn(TOOLS, name);

export interface ToolRequest {
  tool: ToolName;
}

export interface TrainingRequest {
  name: string;
}

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A line that says what the job is, for its status message and `/status`. */
export function describeJob(t: Texts, job: Pick<TelegramJob, "kind" | "request">): string {
  switch (job.kind) {
    case "generate": {
      const request = job.request as unknown as GenerationRequest;
      return `“${shorten(request.prompt, 80)}” (${request.model})`;
    }
    case "tool":
      return `/${(job.request as unknown as ToolRequest).tool}`;
    case "train":
      return t.trainStep((job.request as unknown as TrainingRequest).name, t.trainSteps.training);
  }
}
