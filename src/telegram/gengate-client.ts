/**
 * gengate's public API as one Telegram user: the bot calls it in-process with the user's own
 * token, exactly as a remote client would, so every job gets the API's checks and tenant scoping.
 */
import type { ApiFetch } from "../api/api-fetch.ts";

/** The limit (a budget, a rate, the models) that refused a request, and whose. */
export interface RefusedBy {
  limit: string;
  scope: "token" | "tenant";
  id: string;
  name: string;
}

/** A refusal of the API, with its problem `detail` (already written for people). */
export class ApiRefusal extends Error {
  readonly status: number;
  readonly fields: readonly string[];
  readonly refusedBy: RefusedBy | undefined;

  constructor(status: number, detail: string, fields: readonly string[], refusedBy?: RefusedBy) {
    super(detail);
    this.name = "ApiRefusal";
    this.status = status;
    this.fields = fields;
    this.refusedBy = refusedBy;
  }
}

export interface PredictionJson {
  id: string;
  status: "starting" | "processing" | "succeeded" | "failed" | "canceled";
  input: Record<string, unknown>;
  output: unknown;
  error: string | null;
  logs: string | null;
  urls: { get: string; stream?: string };
  gengate?: { seed?: number | null };
}

export interface LoraJson {
  id: string;
  name: string;
  model: string;
  trigger_word: string;
  status: "uploading" | "creating_model" | "training" | "sampling" | "ready" | "failed" | "canceled";
  error: string | null;
  training_id: string | null;
  samples: { prompt: string; status: string; output: unknown }[];
}

export interface PhotoLimits {
  min_photos: number;
  max_photos: number;
}

interface Problem {
  detail?: unknown;
  invalid_fields?: { field?: unknown }[];
  refused_by?: RefusedBy;
}

/** Where the API is reached in-process; its answers' URLs are on this origin unless PUBLIC_URL is set. */
const ORIGIN = "http://gengate.internal";

export class GengateClient {
  readonly #api: ApiFetch;
  readonly #token: string;

  constructor(api: ApiFetch, token: string) {
    this.#api = api;
    this.#token = token;
  }

  createPrediction(version: string, input: Record<string, unknown>): Promise<PredictionJson> {
    return this.#json("/v1/predictions", { method: "POST", body: JSON.stringify({ version, input }) });
  }

  getPrediction(id: string): Promise<PredictionJson> {
    return this.#json(`/v1/predictions/${encodeURIComponent(id)}`);
  }

  cancelPrediction(id: string): Promise<PredictionJson> {
    return this.#json(`/v1/predictions/${encodeURIComponent(id)}/cancel`, { method: "POST" });
  }

  /** The prediction's Server-Sent Events (`logs`, `output`, `done`…), to follow it as it runs. */
  async stream(id: string, signal: AbortSignal): Promise<Response> {
    return this.#call(`/v1/predictions/${encodeURIComponent(id)}/stream`, {
      headers: { accept: "text/event-stream" },
      signal,
    });
  }

  /** Stores `data` as the user's file; its URL works as this user's prediction input. */
  async uploadFile(data: Uint8Array, name: string, type: string): Promise<string> {
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(data)], { type }), name);
    const file = await this.#json<{ urls: { get: string } }>("/v1/files", { method: "POST", body: form });
    return file.urls.get;
  }

  createLora(name: string, photos: { name: string; data: Uint8Array }[]): Promise<LoraJson> {
    const form = new FormData();
    form.append("name", name);
    for (const photo of photos) form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
    return this.#json("/v1/loras", { method: "POST", body: form });
  }

  /** The LoRA, or undefined when the user has none of that id or name. */
  async findLora(idOrName: string): Promise<LoraJson | undefined> {
    const response = await this.#call(`/v1/loras/${encodeURIComponent(idOrName)}`);
    if (response.status === 404) return undefined;
    return this.#read(response);
  }

  async listLoras(): Promise<LoraJson[]> {
    return (await this.#json<{ results: LoraJson[] }>("/v1/loras")).results;
  }

  /** A training's logs (its progress), by Replicate's trainings API. */
  getTraining(id: string): Promise<{ logs: string | null }> {
    return this.#json(`/v1/trainings/${encodeURIComponent(id)}`);
  }

  cancelLora(id: string): Promise<LoraJson> {
    return this.#json(`/v1/loras/${encodeURIComponent(id)}/cancel`, { method: "POST" });
  }

  photoLimits(): Promise<PhotoLimits> {
    return this.#json("/v1/lora-photo-limits");
  }

  /** An output's bytes, from a URL the API gave (followed to the storage when it redirects there). */
  async download(url: string): Promise<{ data: Buffer; type: string }> {
    const parsed = new URL(url);
    let response = await this.#call(`${parsed.pathname}${parsed.search}`);
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) response = await fetch(location);
    if (!response.ok)
      throw new ApiRefusal(response.status, `the output could not be read (${response.status})`, []);
    return {
      data: Buffer.from(await response.arrayBuffer()),
      type: response.headers.get("content-type") ?? "application/octet-stream",
    };
  }

  async #json<T>(path: string, init: RequestInit = {}): Promise<T> {
    return this.#read(await this.#call(path, init));
  }

  async #read<T>(response: Response): Promise<T> {
    if (response.ok) return (await response.json()) as T;
    const problem = (await response.json().catch(() => ({}))) as Problem;
    const fields = (problem.invalid_fields ?? []).map((f) => String(f.field ?? ""));
    const detail =
      typeof problem.detail === "string" ? problem.detail : `gengate answered ${response.status}`;
    throw new ApiRefusal(response.status, detail, fields, problem.refused_by);
  }

  #call(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.#token}`);
    if (typeof init.body === "string") headers.set("content-type", "application/json");
    return Promise.resolve(this.#api(new Request(new URL(path, ORIGIN), { ...init, headers })));
  }
}
