/**
 * What the bot's buttons carry: an action and a short id (a job's, a LoRA's, a model alias),
 * never the request itself; Telegram allows 64 bytes.
 */
export type ButtonAction =
  | { action: "again" | "vary" | "try"; jobId: string }
  | { action: "upscale" | "removebg"; jobId: string; index: number }
  | { action: "train" }
  | { action: "model"; model: string }
  | { action: "aspect"; ratio: string }
  | { action: "count"; count: number }
  | { action: "buy"; pack: number };

export function callbackData(button: ButtonAction): string {
  switch (button.action) {
    case "again":
    case "vary":
    case "try":
      return `${button.action}:${button.jobId}`;
    case "upscale":
    case "removebg":
      return `${button.action}:${button.jobId}:${button.index}`;
    case "train":
      return "train";
    case "model":
      return `model:${button.model}`;
    case "aspect":
      return `aspect:${button.ratio}`;
    case "count":
      return `count:${button.count}`;
    case "buy":
      return `buy:${button.pack}`;
  }
}

/** The button's action, or undefined for data this bot did not make. */
export function parseCallbackData(data: string): ButtonAction | undefined {
  const [action, ...rest] = data.split(":");
  const [first = "", second] = rest;
  switch (action) {
    case "again":
    case "vary":
    case "try":
      return first ? { action, jobId: first } : undefined;
    case "upscale":
    case "removebg": {
      const index = Number(second);
      return first && Number.isInteger(index) && index >= 0 ? { action, jobId: first, index } : undefined;
    }
    case "train":
      return { action };
    case "model":
      return first ? { action, model: rest.join(":") } : undefined;
    case "aspect":
      return rest.length === 2 ? { action, ratio: rest.join(":") } : undefined;
    case "count":
    case "buy": {
      const n = Number(first);
      if (!Number.isInteger(n)) return undefined;
      return action === "count" ? { action, count: n } : { action, pack: n };
    }
    default:
      return undefined;
  }
}
