/** Creating models, training errors, the Files API and prediction list filters. */
import { request } from "node:http";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { latestVersion, settled, useFake } from "./test-support.ts";
import { dataUrlOf, photo, photosZip, zipOf } from "./training-zip.ts";

const ctx = useFake({ latencyMs: { min: 10, max: 20 }, trainingMs: 2000 });

describe("models", () => {
  it("creates destination models and refuses duplicates, other owners and bad fields", async () => {
    const model = { owner: "fake-user", name: "my-model", visibility: "private", hardware: "cpu" };
    const created = await ctx.api.post("/models", model);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      owner: "fake-user",
      name: "my-model",
      visibility: "private",
      latest_version: null,
      is_official: false,
    });
    expect((await ctx.api.json("/models/fake-user/my-model")).name).toBe("my-model");
    expect((await ctx.api.post("/models", model)).status).toBe(409);
    expect((await ctx.api.post("/models", { ...model, owner: "someone-else" })).status).toBe(403);
    const invalid = await ctx.api.post("/models", {
      owner: "fake-user",
      name: "Bad Name",
      visibility: "secret",
    });
    expect((await invalid.json()).invalid_fields.map(({ field }: { field: string }) => field)).toEqual([
      "hardware",
      "name",
      "visibility",
    ]);
    const listed = await ctx.api.json<{ results: { name: string }[] }>("/models");
    expect(listed.results[0]?.name).toBe("my-model");
  });
});

describe("trainings", () => {
  it("need an existing destination", async () => {
    const trainer = await latestVersion(ctx.api, "fake/trainer");
    const response = await ctx.api.post(`/models/fake/trainer/versions/${trainer}/trainings`, {
      destination: "fake-user/missing",
      input: { input_images: "https://example.com/x.zip" },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      detail: "The specified training destination does not exist",
      status: 404,
    });
  });

  it("are refused by models that can't train, and validate their input", async () => {
    await ctx.api.post("/models", {
      owner: "fake-user",
      name: "dest",
      visibility: "public",
      hardware: "cpu",
    });
    const sdxl = await latestVersion(ctx.api, "fake/sdxl");
    const body = { destination: "fake-user/dest", input: { input_images: "https://example.com/x.zip" } };
    expect((await ctx.api.post(`/models/fake/sdxl/versions/${sdxl}/trainings`, body)).status).toBe(400);
    const trainer = await latestVersion(ctx.api, "fake/trainer");
    const invalid = await ctx.api.post(`/models/fake/trainer/versions/${trainer}/trainings`, {
      ...body,
      input: {},
    });
    expect((await invalid.json()).detail).toBe("- input: input_images is required\n");
  });

  it("can be canceled and listed", async () => {
    const trainer = await latestVersion(ctx.api, "fake/trainer");
    const created = await (
      await ctx.api.post(`/models/fake/trainer/versions/${trainer}/trainings`, {
        destination: "fake-user/dest",
        input: { input_images: dataUrlOf(await photosZip(1)) },
      })
    ).json();
    expect(created.urls.get).toBe(`${ctx.fake.url}/trainings/${created.id}`);
    const canceled = await (await ctx.api.post(`/trainings/${created.id}/cancel`, {})).json();
    expect(canceled.status).toBe("canceled");
    const list = await ctx.api.json<{ results: { id: string }[] }>("/trainings");
    expect(list.results.map(({ id }) => id)).toContain(created.id);
    expect((await ctx.api(`/predictions/${created.id}`)).status).toBe(404);
  });
});

describe("training data", () => {
  const upload = async (bytes: Buffer, name: string) => {
    const form = new FormData();
    form.append("content", new Blob([new Uint8Array(bytes)], { type: "application/zip" }), name);
    const response = await fetch(`${ctx.fake.url}/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${ctx.fake.token}` },
      body: form,
    });
    return ((await response.json()) as { urls: { get: string } }).urls.get;
  };
  const train = async (inputImages: string, trainer = "ostris/flux-dev-lora-trainer") => {
    await ctx.api.post("/models", {
      owner: "fake-user",
      name: "data",
      visibility: "private",
      hardware: "cpu",
    });
    const version = await latestVersion(ctx.api, trainer);
    const created = await ctx.api.post(`/models/${trainer}/versions/${version}/trainings`, {
      destination: "fake-user/data",
      input: { input_images: inputImages, steps: 8 },
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    return { id, done: await settled(ctx.api, `/trainings/${id}`) };
  };

  it("ostris/flux-dev-lora-trainer reads a zip from the files API and records what it holds", async () => {
    const zip = await zipOf({
      "me-1.png": await photo(),
      "me-1.txt": "a photo of TOK",
      "me-2.jpg": await sharp(await photo())
        .jpeg()
        .toBuffer(),
      "__MACOSX/._me-1.png": "resource fork",
      "notes.md": "not an image",
    });
    const { id, done } = await train(await upload(zip, "photos.zip"));
    expect(done).toMatchObject({ status: "succeeded", model: "ostris/flux-dev-lora-trainer" });
    expect(done.logs).toMatch(/Extracted 3 files from zip to input_images\n/);
    expect(done.logs).toMatch(/flux_train_replicate: 100%\|██████████\| 8\/8\n/);
    const received = ctx.fake.trainingInputs().find((record) => record.trainingId === id);
    expect(received).toMatchObject({
      size: zip.length,
      images: ["me-1.png", "me-2.jpg"],
      captions: ["me-1.txt"],
      entries: ["me-1.png", "me-1.txt", "me-2.jpg", "__MACOSX/._me-1.png", "notes.md"],
    });
  });

  it("fails a training whose input_images is not a zip of images, saying why", async () => {
    const notZip = await train(dataUrlOf(await photo(), "image/png"), "fake/trainer");
    expect(notZip.done.status).toBe("failed");
    expect(notZip.done.error).toMatch(/^input_images must be a zip file of images; this is not a zip file/);
    expect(notZip.done.logs).toMatch(/ValueError: input_images must be a zip file/);
    const noImages = await train(
      dataUrlOf(await zipOf({ "readme.txt": "hello", "data.bin": "1234567890abc" })),
    );
    expect(noImages.done).toMatchObject({
      status: "failed",
      error: "input_images holds no images (PNG, JPEG, WebP or GIF): found readme.txt, data.bin",
    });
    const missing = await train(`${ctx.fake.url}/files/nosuchfile`);
    expect(missing.done.error).toMatch(/^input_images: could not read .*no such file/);
    expect(ctx.fake.trainingInputs().map((record) => record.trainingId)).not.toContain(notZip.id);
  });

  it("accepts data URLs of zips", async () => {
    const { done } = await train(dataUrlOf(await photosZip(3)));
    expect(done.status).toBe("succeeded");
    expect((done.output as { version: string }).version).toMatch(/^fake-user\/data:[0-9a-f]{64}$/);
  });
});

describe("files", () => {
  it("get, list, download and delete", async () => {
    const form = new FormData();
    form.append("content", new Blob(["bytes!"]), "data.bin");
    const file = await (
      await fetch(`${ctx.fake.url}/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${ctx.fake.token}` },
        body: form,
      })
    ).json();
    expect(file).toMatchObject({ content_type: "application/octet-stream", metadata: {}, size: 6 });
    expect(Date.parse(file.expires_at) - Date.parse(file.created_at)).toBe(24 * 3600_000);
    const download = await ctx.api(`/files/${file.id}/download`);
    expect(await download.text()).toBe("bytes!");
    expect((await ctx.api.json<{ results: unknown[] }>("/files")).results).toContainEqual(file);
    expect((await ctx.api(`/files/${file.id}`, { method: "DELETE" })).status).toBe(204);
    const gone = await ctx.api(`/files/${file.id}`);
    expect([gone.status, gone.headers.get("content-type")]).toEqual([404, "application/problem+json"]);
  });

  it("refuses 100 MB and more with 413, without reading the upload", async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const upload = request(`${ctx.fake.url}/files`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${ctx.fake.token}`,
          "content-type": "multipart/form-data; boundary=x",
          "content-length": String(100 * 1024 * 1024),
        },
      });
      upload.on("response", (response) => {
        let text = "";
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => {
          resolve({ status: response.statusCode ?? 0, body: text });
          upload.destroy();
        });
      });
      upload.on("error", reject);
      upload.write("--x\r\n");
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual({ detail: "Files must be less than 100MB in size", status: 413 });
  });
});

describe("prediction lists", () => {
  it("filter by created_after and created_before", async () => {
    const run = () =>
      ctx.api.post("/models/fake-official/flux-schnell/predictions", { input: { prompt: "x" } });
    await run();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const middle = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const last = await (await run()).json();
    const after = await ctx.api.json<{ results: { id: string }[] }>(`/predictions?created_after=${middle}`);
    expect(after.results.map(({ id }) => id)).toEqual([last.id]);
    const before = await ctx.api.json<{ results: { id: string }[] }>(`/predictions?created_before=${middle}`);
    expect(before.results).toHaveLength(1);
    expect((await ctx.api("/predictions?created_after=yesterday")).status).toBe(400);
  });
});
