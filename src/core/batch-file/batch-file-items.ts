/** What a batch file holds, whatever its format: read the same by `gengate batch` and the dashboard. */
import { GatewayError } from "../errors.ts";

export interface BatchItem {
  model?: string;
  input: Record<string, unknown>;
  /** Where its outputs go under --out, instead of the name template's name. */
  output_path?: string;
  /** Kept with the item on the server, never sent to the model. */
  metadata?: Record<string, unknown>;
}

/** A .json file may set these batch fields too; the command's flags win over them. */
export interface BatchFile {
  items: BatchItem[];
  model?: string;
  input?: Record<string, unknown>;
  name_template?: string;
  concurrency?: number;
}

/** `where` names the place in the file: "prompts.csv line 7", "prompts.json item 3". */
export function fileError(where: string, message: string): GatewayError {
  return new GatewayError("invalid_input", `${where}: ${message}`, {
    invalidFields: [{ type: "batch_file", field: "file", description: `${where}: ${message}` }],
  });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
