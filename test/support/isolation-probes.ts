/**
 * Every route of the API, as bob (another tenant's token) calls it with alice's ids, names,
 * hashes and files: what he must be answered. A read of alice's things is 404, a list holds only
 * bob's own, a change is refused (and, for any call that could change something, alice's world is
 * compared before and after by the test).
 */
import { type AliceWorld, METRICS_TOKEN } from "./tenant-world.ts";

/** What bob reaches beyond alice's world: links of his own files. */
export interface BobWorld {
  /** The query (`expires`, `sig`) of a link signed for one of bob's own outputs. */
  ownLinkQuery: string;
  /** A zip of photos bob uploaded, to train with. */
  zipUrl: string;
  /** The sim trainer's version. */
  trainerVersion: string;
}

export interface Probe {
  /** The route as the app registers it (method and pattern); HEAD is answered by GET's route. */
  route: string;
  /** The method sent, when it is not the route's. */
  method?: string;
  path(a: AliceWorld, b: BobWorld): string;
  body?(a: AliceWorld, b: BobWorld): unknown;
  /** The status bob must get: 200 for lists and bob's own things (then they must hold nothing of alice's). */
  expect: number;
  /** Sent without bob's token: routes that answer anyone (or their own token, in `headers`). */
  anonymous?: boolean;
  headers?: Record<string, string>;
}

const small = { width: 64, height: 64 };
const image = (a: AliceWorld) => ({ prompt: "x", image: a.file.url, ...small });

/** A body sent as plain text (Replicate's model search). */
export interface PlainText {
  plainText: string;
}

/** A body sent as multipart form data (uploads, OpenAI's image edits); `{ png: true }` is a small image. */
export interface Multipart {
  multipart: Record<string, string | { png: true }>;
}

export const PROBES: Probe[] = [
  // Operator and public routes: nothing of any tenant's.
  { route: "GET /health", path: () => "/health", expect: 200, anonymous: true },
  { route: "GET /metrics", path: () => "/metrics", expect: 401 },
  {
    route: "GET /metrics",
    path: () => "/metrics",
    expect: 200,
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    anonymous: true,
  },
  { route: "GET /openapi.json", path: () => "/openapi.json", expect: 200, anonymous: true },
  {
    route: "POST /hooks/:provider",
    path: () => "/hooks/sim",
    body: (a) => ({ id: a.running.id, status: "succeeded" }),
    expect: 404,
    anonymous: true,
  },

  // Content-addressed files: a hash alone, or another file's signature, opens nothing.
  { route: "GET /files/:key", path: (a) => `/files/${a.done.outputKey}`, expect: 403, anonymous: true },
  {
    route: "GET /files/:key",
    method: "HEAD",
    path: (a) => `/files/${a.done.outputKey}`,
    expect: 403,
    anonymous: true,
  },
  { route: "GET /files/:key", path: (a, b) => `/files/${a.done.outputKey}?${b.ownLinkQuery}`, expect: 403 },
  { route: "GET /files/:key", path: (a, b) => `/files/${a.lora.weightsKey}?${b.ownLinkQuery}`, expect: 403 },
  {
    route: "GET /files/:key",
    path: (a) => `/files/${a.done.outputKey}?expires=99999999999&sig=forged`,
    expect: 403,
  },
  { route: "GET /files/:key", path: (a) => `/files/${a.file.sha256}.png`, expect: 403 },

  // Predictions.
  { route: "GET /v1/predictions/:id", path: (a) => `/v1/predictions/${a.done.id}`, expect: 404 },
  { route: "GET /v1/predictions/:id", path: (a) => `/v1/predictions/${a.running.id}`, expect: 404 },
  { route: "GET /v1/predictions/:id", path: (a) => `/v1/predictions/${a.batchDone.itemIds[0]}`, expect: 404 },
  { route: "GET /v1/predictions/:id", path: (a) => `/v1/predictions/${a.training.id}`, expect: 404 },
  {
    route: "GET /v1/predictions/:id/stream",
    path: (a) => `/v1/predictions/${a.running.id}/stream`,
    expect: 404,
  },
  {
    route: "GET /v1/predictions/:id/stream",
    path: (a) => `/v1/predictions/${a.done.id}/stream`,
    expect: 404,
  },
  {
    route: "GET /v1/predictions/:id/webhooks",
    path: (a) => `/v1/predictions/${a.done.id}/webhooks`,
    expect: 404,
  },
  {
    route: "POST /v1/predictions/:id/cancel",
    path: (a) => `/v1/predictions/${a.running.id}/cancel`,
    expect: 404,
  },
  {
    route: "POST /v1/predictions/:id/cancel",
    path: (a) => `/v1/predictions/${a.batchRunning.id}/cancel`,
    expect: 404,
  },
  {
    route: "DELETE /v1/predictions/:id/files",
    path: (a) => `/v1/predictions/${a.done.id}/files`,
    expect: 404,
  },
  { route: "GET /v1/predictions", path: () => "/v1/predictions", expect: 200 },
  {
    route: "GET /v1/predictions",
    path: (a) => `/v1/predictions?q=${a.lora.name.split("-")[0]}`,
    expect: 200,
  },
  {
    route: "GET /v1/predictions",
    path: () => "/v1/predictions?model=sim/image&status=succeeded,processing",
    expect: 200,
  },
  { route: "GET /v1/predictions", path: (a) => `/v1/predictions?token=${a.tokenId}`, expect: 403 },
  {
    route: "POST /v1/predictions/bulk-cancel",
    path: () => "/v1/predictions/bulk-cancel",
    body: (a) => ({ ids: [a.running.id] }),
    expect: 200,
  },
  {
    route: "POST /v1/predictions/bulk-cancel",
    path: () => "/v1/predictions/bulk-cancel",
    body: () => ({ status: "processing" }),
    expect: 200,
  },
  {
    route: "POST /v1/predictions/bulk-cancel",
    path: () => "/v1/predictions/bulk-cancel",
    body: (a) => ({ token: a.tokenId }),
    expect: 403,
  },
  {
    route: "POST /v1/predictions/bulk-rerun",
    path: () => "/v1/predictions/bulk-rerun",
    body: (a) => ({ ids: [a.done.id, ...a.batchDone.itemIds] }),
    expect: 200,
  },
  {
    route: "POST /v1/predictions/bulk-rerun",
    path: () => "/v1/predictions/bulk-rerun",
    body: (a) => ({ token: a.tokenId }),
    expect: 403,
  },
  {
    route: "POST /v1/predictions",
    path: () => "/v1/predictions",
    body: (a) => ({ version: `lora:${a.lora.name}`, input: { prompt: "x", ...small } }),
    expect: 404,
  },
  {
    route: "POST /v1/predictions",
    path: () => "/v1/predictions",
    body: (a) => ({ version: a.lora.version, input: { prompt: "x", ...small } }),
    expect: 404,
  },
  {
    route: "POST /v1/predictions",
    path: () => "/v1/predictions",
    body: (a) => ({ version: a.lora.version.split(":")[1], input: { prompt: "x", ...small } }),
    expect: 404,
  },
  {
    route: "POST /v1/predictions",
    path: () => "/v1/predictions",
    body: (a) => ({ version: "sim/image", input: image(a) }),
    expect: 422,
  },
  {
    route: "POST /v1/models/:owner/:name/predictions",
    path: (a) => `/v1/models/${a.lora.destination}/predictions`,
    body: () => ({ input: { prompt: "x", ...small } }),
    expect: 404,
  },
  {
    route: "POST /v1/models/:owner/:name/predictions",
    path: () => "/v1/models/sim/image/predictions",
    body: (a) => ({ input: image(a) }),
    expect: 422,
  },
  {
    route: "POST /v1/deployments/:owner/:name/predictions",
    path: (a) => `/v1/deployments/${a.lora.destination}/predictions`,
    body: (a) => ({ input: image(a) }),
    expect: 404,
  },

  // Models: alice's trained models are hers.
  { route: "GET /v1/models", path: () => "/v1/models", expect: 200 },
  { route: "GET /v1/models/:owner/:name", path: (a) => `/v1/models/${a.lora.destination}`, expect: 404 },
  { route: "GET /v1/models/:owner/:name", path: (a) => `/v1/models/${a.training.destination}`, expect: 404 },
  {
    route: "GET /v1/models/:owner/:name/versions",
    path: (a) => `/v1/models/${a.lora.destination}/versions`,
    expect: 404,
  },
  {
    route: "GET /v1/models/:owner/:name/versions/:id",
    path: (a) => `/v1/models/${a.lora.version.replace(":", "/versions/")}`,
    expect: 404,
  },

  {
    route: "GET /v1/models/:owner/:name/versions",
    path: (a) => `/v1/models/${a.training.destination}/versions`,
    expect: 404,
  },
  // Searching finds none of alice's models (the text is her marker, in their descriptions).
  { route: "QUERY /v1/models", path: () => "/v1/models", body: () => ({ plainText: "alice" }), expect: 200 },
  // Model names are one namespace: alice's is taken, and bob's own is his.
  {
    route: "POST /v1/models",
    path: () => "/v1/models",
    body: (a) => ({
      owner: a.training.destination.split("/")[0],
      name: a.training.destination.split("/")[1],
      visibility: "private",
      hardware: "cpu",
    }),
    expect: 409,
  },
  {
    route: "POST /v1/models",
    path: () => "/v1/models",
    body: () => ({ owner: "sim-lora", name: "bob-made", visibility: "private", hardware: "cpu" }),
    expect: 201,
  },
  // Replicate's own lists: not configured here.
  { route: "GET /v1/deployments", path: () => "/v1/deployments", expect: 404 },
  { route: "GET /v1/deployments/:owner/:name", path: () => "/v1/deployments/fake/sdxl-deploy", expect: 404 },
  { route: "GET /v1/collections", path: () => "/v1/collections", expect: 404 },
  { route: "GET /v1/collections/:slug", path: () => "/v1/collections/text-to-image", expect: 404 },
  { route: "GET /v1/hardware", path: () => "/v1/hardware", expect: 404 },

  // Files (uploads).
  { route: "GET /v1/files", path: () => "/v1/files", expect: 200 },
  { route: "GET /v1/files/:id", path: (a) => `/v1/files/${a.file.id}`, expect: 404 },
  { route: "GET /v1/files/:id/download", path: (a) => `/v1/files/${a.file.id}/download`, expect: 404 },
  { route: "DELETE /v1/files/:id", path: (a) => `/v1/files/${a.file.id}`, expect: 404 },
  {
    route: "POST /v1/files",
    path: () => "/v1/files",
    body: () => ({ multipart: { content: { png: true } } }),
    expect: 201,
  },

  // Webhooks: bob's secret is his own.
  { route: "GET /v1/webhooks/default/secret", path: () => "/v1/webhooks/default/secret", expect: 200 },

  // Batches.
  { route: "GET /v1/batches", path: () => "/v1/batches", expect: 200 },
  { route: "GET /v1/batches/:id", path: (a) => `/v1/batches/${a.batchDone.id}`, expect: 404 },
  { route: "GET /v1/batches/:id", path: (a) => `/v1/batches/${a.batchRunning.id}`, expect: 404 },
  {
    route: "GET /v1/batches/:id/events",
    path: (a) => `/v1/batches/${a.batchRunning.id}/events`,
    expect: 404,
  },
  { route: "GET /v1/batches/:id/archive", path: (a) => `/v1/batches/${a.batchDone.id}/archive`, expect: 404 },
  { route: "POST /v1/batches/:id/retry", path: (a) => `/v1/batches/${a.batchDone.id}/retry`, expect: 404 },
  {
    route: "POST /v1/batches/:id/cancel",
    path: (a) => `/v1/batches/${a.batchRunning.id}/cancel`,
    expect: 404,
  },
  {
    route: "POST /v1/batches/parse",
    path: () => "/v1/batches/parse",
    body: () => ({ name: "p.txt", text: "a fox\n" }),
    expect: 200,
  },
  {
    route: "POST /v1/batches",
    path: () => "/v1/batches",
    body: (a) => ({ model: `lora:${a.lora.name}`, items: [{ input: { prompt: "x" } }] }),
    expect: 422,
  },
  {
    route: "POST /v1/batches",
    path: () => "/v1/batches",
    body: (a) => ({ model: "sim/image", items: [{ input: image(a) }] }),
    expect: 422,
  },

  // Trainings.
  { route: "GET /v1/trainings", path: () => "/v1/trainings", expect: 200 },
  { route: "GET /v1/trainings/:id", path: (a) => `/v1/trainings/${a.training.id}`, expect: 404 },
  {
    route: "POST /v1/trainings/:id/cancel",
    path: (a) => `/v1/trainings/${a.training.id}/cancel`,
    expect: 404,
  },
  {
    route: "POST /v1/models/:owner/:name/versions/:version/trainings",
    path: (_, b) => `/v1/models/sim/lora-trainer/versions/${b.trainerVersion}/trainings`,
    body: (a) => ({ destination: "sim-lora/bob-raw", input: { input_images: a.zip.url } }),
    expect: 422,
  },
  {
    route: "POST /v1/models/:owner/:name/versions/:version/trainings",
    path: (_, b) => `/v1/models/sim/lora-trainer/versions/${b.trainerVersion}/trainings`,
    body: (a, b) => ({ destination: a.training.destination, input: { input_images: b.zipUrl } }),
    expect: 404,
  },

  // LoRAs, by id and by name.
  { route: "GET /v1/loras", path: () => "/v1/loras", expect: 200 },
  { route: "GET /v1/lora-photo-limits", path: () => "/v1/lora-photo-limits", expect: 200 },
  { route: "GET /v1/loras/:id", path: (a) => `/v1/loras/${a.lora.id}`, expect: 404 },
  { route: "GET /v1/loras/:id", path: (a) => `/v1/loras/${a.lora.name}`, expect: 404 },
  { route: "POST /v1/loras/:id/cancel", path: (a) => `/v1/loras/${a.lora.id}/cancel`, expect: 404 },
  { route: "POST /v1/loras/:id/cancel", path: (a) => `/v1/loras/${a.lora.name}/cancel`, expect: 404 },
  { route: "DELETE /v1/loras/:id", path: (a) => `/v1/loras/${a.lora.id}`, expect: 404 },
  { route: "DELETE /v1/loras/:id", path: (a) => `/v1/loras/${a.lora.name}`, expect: 404 },
  {
    route: "POST /v1/loras",
    path: () => "/v1/loras",
    body: (a) => ({ name: "bob-borrowed", zip_url: a.zip.url }),
    expect: 422,
  },

  // Gallery and favourites.
  { route: "GET /v1/outputs", path: () => "/v1/outputs", expect: 200 },
  { route: "GET /v1/outputs", path: () => "/v1/outputs?favorite=true", expect: 200 },
  { route: "PUT /v1/favorites/:id/:index", path: (a) => `/v1/favorites/${a.done.id}/0`, expect: 404 },
  { route: "DELETE /v1/favorites/:id/:index", path: (a) => `/v1/favorites/${a.done.id}/0`, expect: 404 },

  // Account and usage: bob's own; asking for alice's or her tenant's is refused.
  { route: "GET /v1/account", path: () => "/v1/account", expect: 200 },
  { route: "GET /v1/usage", path: () => "/v1/usage?group_by=token", expect: 200 },
  {
    route: "GET /v1/usage",
    path: (a) => `/v1/usage?group_by=model&token=${a.tokenId}&tenant=${a.tenantId}`,
    expect: 403,
  },

  // Admin: refused by scope.
  { route: "GET /v1/admin/providers/check", path: () => "/v1/admin/providers/check", expect: 403 },
  { route: "GET /v1/admin/providers/state", path: () => "/v1/admin/providers/state", expect: 403 },
  { route: "GET /v1/admin/tokens", path: (a) => `/v1/admin/tokens?tenant=${a.tenantId}`, expect: 403 },
  { route: "GET /v1/admin/tokens/:id", path: (a) => `/v1/admin/tokens/${a.tokenId}`, expect: 403 },
  {
    route: "POST /v1/admin/tokens",
    path: () => "/v1/admin/tokens",
    body: (a) => ({ name: "mole", tenant: a.tenantId }),
    expect: 403,
  },
  {
    route: "PATCH /v1/admin/tokens/:id",
    path: (a) => `/v1/admin/tokens/${a.tokenId}`,
    body: () => ({ requests_per_minute: 1 }),
    expect: 403,
  },
  { route: "DELETE /v1/admin/tokens/:id", path: (a) => `/v1/admin/tokens/${a.tokenId}`, expect: 403 },
  { route: "GET /v1/admin/tenants", path: () => "/v1/admin/tenants", expect: 403 },
  { route: "GET /v1/admin/tenants/:id", path: (a) => `/v1/admin/tenants/${a.tenantId}`, expect: 403 },
  {
    route: "POST /v1/admin/tenants",
    path: () => "/v1/admin/tenants",
    body: () => ({ name: "acme2" }),
    expect: 403,
  },
  {
    route: "PATCH /v1/admin/tenants/:id",
    path: (a) => `/v1/admin/tenants/${a.tenantId}`,
    body: () => ({ requests_per_minute: 1 }),
    expect: 403,
  },
  { route: "DELETE /v1/admin/tenants/:id", path: (a) => `/v1/admin/tenants/${a.tenantId}`, expect: 403 },
  { route: "GET /v1/admin/audit", path: () => "/v1/admin/audit", expect: 403 },

  // OpenAI's API: alice's LoRA and trained models are not bob's to run or read.
  {
    route: "POST /openai/v1/images/generations",
    path: () => "/openai/v1/images/generations",
    body: (a) => ({ model: `lora:${a.lora.name}`, prompt: "x", size: "256x256" }),
    expect: 404,
  },
  {
    route: "POST /openai/v1/images/generations",
    path: () => "/openai/v1/images/generations",
    body: (a) => ({ model: a.lora.destination, prompt: "x", size: "256x256" }),
    expect: 404,
  },
  {
    route: "POST /openai/v1/images/edits",
    path: () => "/openai/v1/images/edits",
    body: (a) => ({ multipart: { model: `lora:${a.lora.name}`, prompt: "x", image: { png: true } } }),
    expect: 404,
  },
  {
    route: "POST /openai/v1/chat/completions",
    path: () => "/openai/v1/chat/completions",
    body: (a) => ({ model: `lora:${a.lora.name}`, messages: [{ role: "user", content: "hi" }] }),
    expect: 400,
  },
  { route: "GET /openai/v1/models", path: () => "/openai/v1/models", expect: 200 },
  {
    route: "GET /openai/v1/models/:model{.+}",
    path: (a) => `/openai/v1/models/${a.lora.destination}`,
    expect: 404,
  },
  {
    route: "GET /openai/v1/models/:model{.+}",
    path: (a) => `/openai/v1/models/lora:${a.lora.name}`,
    expect: 404,
  },
];
