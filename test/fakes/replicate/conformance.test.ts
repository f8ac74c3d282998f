/**
 * Responses checked against Replicate's official OpenAPI document. Where the document and the
 * real API disagree, the fake does what the API does and the test names the deviation.
 */
import { describe, expect, it } from "vitest";
import { specErrors } from "./openapi-spec.ts";
import { latestVersion, settled, useFake } from "./test-support.ts";
import { dataUrlOf, photosZip } from "./training-zip.ts";

const ctx = useFake({ latencyMs: { min: 300, max: 300 }, trainingMs: 200 });

/**
 * Spec quirk: `started_at` and `completed_at` are typed as plain strings, but the API sends null
 * until they happen (reference/replicate.md §3).
 */
const NOT_YET_STARTED = ["/completed_at type", "/started_at type"];

async function createSdxl(): Promise<Record<string, unknown>> {
  const version = await latestVersion(ctx.api, "fake/sdxl");
  const response = await ctx.api.post("/predictions", {
    version,
    input: { prompt: "a lighthouse", width: 256, height: 256 },
  });
  expect(response.status).toBe(201);
  return response.json();
}

describe("predictions", () => {
  it("create, get and list", async () => {
    const created = await createSdxl();
    expect(specErrors("POST", "/predictions", 201, created)).toEqual(NOT_YET_STARTED);
    const done = await settled(ctx.api, `/predictions/${created.id}`);
    expect(done.status).toBe("succeeded");
    expect(specErrors("GET", "/predictions/{prediction_id}", 200, done)).toEqual([]);
    const list = await ctx.api.json<{ results: { id: string }[] }>("/predictions");
    expect(list.results.map(({ id }) => id)).toContain(created.id);
    expect(specErrors("GET", "/predictions", 200, list)).toEqual([]);
  });

  it("cancel", async () => {
    const created = await createSdxl();
    const path = `/predictions/${created.id}`;
    while ((await ctx.api.json(path)).status !== "processing") await new Promise((r) => setTimeout(r, 10));
    const response = await ctx.api.post(`${path}/cancel`, {});
    const canceled = await response.json();
    expect([response.status, canceled.status]).toEqual([200, "canceled"]);
    expect(specErrors("POST", "/predictions/{prediction_id}/cancel", 200, canceled)).toEqual([]);
  });

  it("official models show the version as the spec's own example value, which its oneOf cannot accept", async () => {
    const response = await ctx.api.post("/models/fake-official/flux-schnell/predictions", {
      input: { prompt: "x" },
    });
    const created = await response.json();
    expect(created.version).toBe("hidden");
    // Spec quirk: version is oneOf [string, enum ["hidden"]]: "hidden" matches both branches.
    expect(specErrors("POST", "/models/{model_owner}/{model_name}/predictions", 201, created)).toEqual([
      ...NOT_YET_STARTED,
      "/version oneOf",
    ]);
  });

  it("deployment predictions", async () => {
    const response = await ctx.api.post("/deployments/fake/sdxl-deploy/predictions", {
      input: { prompt: "x", width: 256, height: 256 },
    });
    const created = await response.json();
    expect(created).toMatchObject({ deployment: "fake/sdxl-deploy", model: "fake/sdxl" });
    expect(created.version).toMatch(/^dp-[0-9a-f]{32}$/);
    expect(
      specErrors("POST", "/deployments/{deployment_owner}/{deployment_name}/predictions", 201, created),
    ).toEqual(NOT_YET_STARTED);
  });
});

describe("models, versions and deployments", () => {
  it("model get, version list and get", async () => {
    const model = await ctx.api.json<{ latest_version: { id: string } }>("/models/fake/sdxl");
    expect(specErrors("GET", "/models/{model_owner}/{model_name}", 200, model)).toEqual([]);
    const versions = await ctx.api.json<{ results: { id: string }[] }>("/models/fake/sdxl/versions");
    expect(versions.results).toHaveLength(2);
    expect(versions.results[0]?.id).toBe(model.latest_version.id);
    expect(specErrors("GET", "/models/{model_owner}/{model_name}/versions", 200, versions)).toEqual([]);
    const version = await ctx.api.json(`/models/fake/sdxl/versions/${model.latest_version.id}`);
    expect(version).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{64}$/), cog_version: "0.16.0" });
    expect(
      specErrors("GET", "/models/{model_owner}/{model_name}/versions/{version_id}", 200, version),
    ).toEqual([]);
  });

  it("model list", async () => {
    const models = await ctx.api.json<{ results: { name: string }[] }>("/models");
    expect(models.results.map(({ name }) => name)).toEqual(
      expect.arrayContaining(["flux-schnell", "sdxl", "llm"]),
    );
    expect(specErrors("GET", "/models", 200, models)).toEqual([]);
  });

  it("deployment get and list", async () => {
    const deployment = await ctx.api.json("/deployments/fake/sdxl-deploy");
    expect(specErrors("GET", "/deployments/{deployment_owner}/{deployment_name}", 200, deployment)).toEqual(
      [],
    );
    const deployments = await ctx.api.json("/deployments");
    expect(deployments.results).toEqual([deployment]);
    expect(specErrors("GET", "/deployments", 200, deployments)).toEqual([]);
  });
});

describe("model creation and search", () => {
  it("create, and search with QUERY /models (the JS client's quoted text and plain text) and GET /search", async () => {
    const response = await ctx.api.post("/models", {
      owner: "fake-user",
      name: "spec-made",
      visibility: "private",
      hardware: "cpu",
      description: "made for the spec check",
    });
    expect(response.status).toBe(201);
    expect(specErrors("POST", "/models", 201, await response.json())).toEqual([]);
    for (const body of ['"sdxl"', "sdxl"]) {
      const found = await fetch(`${ctx.fake.url}/models`, {
        method: "QUERY",
        headers: { authorization: `Bearer ${ctx.fake.token}`, "content-type": "text/plain" },
        body,
      });
      const page = await found.json();
      const names = page.results.map(
        (model: { owner: string; name: string }) => `${model.owner}/${model.name}`,
      );
      expect(names).toContain("fake/sdxl");
      expect(names.every((name: string) => name.includes("sdxl"))).toBe(true);
      expect(specErrors("QUERY", "/models", 200, page)).toEqual([]);
    }
    const search = await ctx.api.json<{ models: { model: { name: string } }[]; collections: unknown[] }>(
      "/search?query=text&limit=5",
    );
    expect(search.models.map(({ model }) => model.name)).toContain("sdxl");
    expect(search.collections).toHaveLength(1);
    expect(specErrors("GET", "/search", 200, search)).toEqual([]);
  });

  it("collections, listed and one by one", async () => {
    const collections = await ctx.api.json<{ results: { slug: string }[] }>("/collections");
    expect(collections.results.map(({ slug }) => slug)).toEqual(["text-to-image", "language-models"]);
    expect(specErrors("GET", "/collections", 200, collections)).toEqual([]);
    const collection = await ctx.api.json<{ models: { name: string }[] }>("/collections/text-to-image");
    expect(collection.models.map((model) => model.name)).toEqual(["flux-schnell", "sdxl"]);
    expect(specErrors("GET", "/collections/{collection_slug}", 200, collection)).toEqual([]);
  });
});

describe("files", () => {
  it("create, get and list", async () => {
    const form = new FormData();
    form.append("content", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
    form.append("metadata", new Blob([JSON.stringify({ purpose: "test" })], { type: "application/json" }));
    const response = await fetch(`${ctx.fake.url}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${ctx.fake.token}` },
      body: form,
    });
    const file = await response.json();
    expect(response.status).toBe(201);
    expect(file).toMatchObject({
      name: "hello.txt",
      content_type: "text/plain",
      size: 5,
      metadata: { purpose: "test" },
    });
    expect(specErrors("POST", "/files", 201, file)).toEqual([]);
    expect(specErrors("GET", "/files/{file_id}", 200, await ctx.api.json(`/files/${file.id}`))).toEqual([]);
    expect(specErrors("GET", "/files", 200, await ctx.api.json("/files"))).toEqual([]);
  });
});

describe("trainings", () => {
  it("create and get", async () => {
    await ctx.api.post("/models", {
      owner: "fake-user",
      name: "spec-lora",
      visibility: "private",
      hardware: "gpu-t4",
    });
    const trainer = await latestVersion(ctx.api, "fake/trainer");
    const response = await ctx.api.post(`/models/fake/trainer/versions/${trainer}/trainings`, {
      destination: "fake-user/spec-lora",
      input: { input_images: dataUrlOf(await photosZip(1)), steps: 10 },
    });
    expect(response.status).toBe(201);
    const created = await response.json();
    // Spec quirk: `output` is typed as an object, but it is null until the training succeeds.
    expect(
      specErrors("POST", "/models/{model_owner}/{model_name}/versions/{version_id}/trainings", 201, created),
    ).toEqual(["/completed_at type", "/output type", "/started_at type"]);
    const done = await settled(ctx.api, `/trainings/${created.id}`);
    expect(done.status).toBe("succeeded");
    expect(specErrors("GET", "/trainings/{training_id}", 200, done)).toEqual([]);
  });
});

describe("account endpoints", () => {
  it("account, hardware and the webhook secret", async () => {
    expect(specErrors("GET", "/account", 200, await ctx.api.json("/account"))).toEqual([]);
    const hardware = await ctx.api.json("/hardware");
    expect(hardware).toContainEqual({ name: "CPU", sku: "cpu" });
    expect(specErrors("GET", "/hardware", 200, hardware)).toEqual([]);
    const secret = await ctx.api.json("/webhooks/default/secret");
    expect(secret).toEqual({ key: ctx.fake.webhookSecret });
    expect(specErrors("GET", "/webhooks/default/secret", 200, secret)).toEqual([]);
  });
});
