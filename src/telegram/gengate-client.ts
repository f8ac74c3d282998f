/**
 * gengate's public API as one Telegram user: the bot calls it in-process with the user's own
 * token, exactly as a remote client would, so every job gets the API's checks and tenant scoping.
 * Its calls are typed by the API's OpenAPI document, so a path or field the API no longer has fails
 * the type check.
 */
import createClient, { type Client } from "openapi-fetch";
import type { ApiFetch } from "../api/api-fetch.ts";
import type { GetAnswer, paths, Schema } from "../api-client/api-types.ts";

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

export type PredictionJson = Schema<"Prediction">;
export type LoraJson = Schema<"Lora">;
export type PhotoLimits = GetAnswer<"/v1/lora-photo-limits">;

interface Problem {
  detail?: unknown;
  invalid_fields?: { field?: unknown }[];
  refused_by?: RefusedBy;
}

/** Where the API is reached in-process; its answers' URLs are on this origin unless PUBLIC_URL is set. */
const ORIGIN = "http://gengate.internal";

/** A call of the typed client, as openapi-fetch answers it. */
type Answered<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/** openapi-typescript types a multipart body's files as strings; fetch sends the FormData as it is. */
const multipart = <Body>(form: FormData) => form as unknown as NonNullable<Body>;

export class GengateClient {
  readonly #fetch: ApiFetch;
  readonly #api: Client<paths>;

  constructor(api: ApiFetch, token: string) {
    this.#fetch = (request) => {
      request.headers.set("authorization", `Bearer ${token}`);
      return api(request);
    };
    this.#api = createClient<paths>({ baseUrl: ORIGIN, fetch: async (request) => this.#fetch(request) });
  }

  createPrediction(version: string, input: Record<string, unknown>): Promise<PredictionJson> {
    return answer(this.#api.POST("/v1/predictions", { body: { version, input } }));
  }

  getPrediction(id: string): Promise<PredictionJson> {
    return answer(this.#api.GET("/v1/predictions/{id}", { params: { path: { id } } }));
  }

  cancelPrediction(id: string): Promise<PredictionJson> {
    return answer(this.#api.POST("/v1/predictions/{id}/cancel", { params: { path: { id } } }));
  }

  /** The prediction's Server-Sent Events (`logs`, `output`, `done`…), to follow it as it runs; null if refused. */
  async stream(id: string, signal: AbortSignal): Promise<Response["body"]> {
    const { data } = await this.#api.GET("/v1/predictions/{id}/stream", {
      params: { path: { id } },
      headers: { accept: "text/event-stream" },
      parseAs: "stream",
      signal,
    });
    return data ?? null;
  }

  /** Stores `data` as the user's file; its URL works as this user's prediction input. */
  async uploadFile(data: Uint8Array, name: string, type: string): Promise<string> {
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(data)], { type }), name);
    const file = await answer(this.#api.POST("/v1/files", { body: multipart(form) }));
    const url = file.urls?.get;
    if (typeof url !== "string") throw new ApiRefusal(500, "gengate gave the uploaded file no URL", []);
    return url;
  }

  createLora(name: string, photos: { name: string; data: Uint8Array }[]): Promise<LoraJson> {
    const form = new FormData();
    form.append("name", name);
    for (const photo of photos) form.append("photos", new Blob([new Uint8Array(photo.data)]), photo.name);
    return answer(this.#api.POST("/v1/loras", { body: multipart(form) }));
  }

  /** The LoRA, or undefined when the user has none of that id or name. */
  async findLora(idOrName: string): Promise<LoraJson | undefined> {
    const found = this.#api.GET("/v1/loras/{id}", { params: { path: { id: idOrName } } });
    if ((await found).response.status === 404) return undefined;
    return answer(found);
  }

  async listLoras(): Promise<LoraJson[]> {
    return (await answer(this.#api.GET("/v1/loras"))).results;
  }

  /** A training's logs (its progress), by Replicate's trainings API. */
  async getTraining(id: string): Promise<{ logs: string | null }> {
    const training = await answer(this.#api.GET("/v1/trainings/{id}", { params: { path: { id } } }));
    return { logs: training.logs ?? null };
  }

  cancelLora(id: string): Promise<LoraJson> {
    return answer(this.#api.POST("/v1/loras/{id}/cancel", { params: { path: { id } } }));
  }

  photoLimits(): Promise<PhotoLimits> {
    return answer(this.#api.GET("/v1/lora-photo-limits"));
  }

  /** An output's bytes, from a URL the API gave (followed to the storage when it redirects there). */
  async download(url: string): Promise<{ data: Buffer; type: string }> {
    const parsed = new URL(url);
    let response = await this.#fetch(new Request(new URL(`${parsed.pathname}${parsed.search}`, ORIGIN)));
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) response = await fetch(location);
    if (!response.ok)
      throw new ApiRefusal(response.status, `the output could not be read (${response.status})`, []);
    return {
      data: Buffer.from(await response.arrayBuffer()),
      type: response.headers.get("content-type") ?? "application/octet-stream",
    };
  }
}

/** What a call answered; a refusal throws, with the problem's detail and invalid fields. */
async function answer<T>(call: Answered<T>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const problem = (typeof error === "object" && error !== null ? error : {}) as Problem;
  const fields = (problem.invalid_fields ?? []).map((f) => String(f.field ?? ""));
  const detail = typeof problem.detail === "string" ? problem.detail : `gengate answered ${response.status}`;
  throw new ApiRefusal(response.status, detail, fields, problem.refused_by);
}
