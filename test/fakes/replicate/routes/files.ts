/** The Files API: multipart upload, get, list, delete and download. */
import { Hono } from "hono";
import type { FakeEnv, FakeState } from "../context.ts";
import { fileJson } from "../file-store.ts";
import { page } from "../pagination.ts";
import { ApiProblem, badRequest, notFound } from "../problem.ts";

const MAX_FILE_BYTES = 100 * 1024 * 1024;

const tooLarge = () => new ApiProblem(413, { detail: "Files must be less than 100MB in size" });

function parseMetadata(value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(typeof value === "string" ? value : "");
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {}
  throw badRequest("Invalid metadata", "metadata must be a JSON object");
}

export function fileRoutes({ files, view }: FakeState): Hono<FakeEnv> {
  const app = new Hono<FakeEnv>();
  const json = (file: Parameters<typeof fileJson>[0]) => fileJson(file, view.apiUrl);
  const found = (id: string) => {
    const file = files.get(id);
    if (!file) throw notFound("file");
    return file;
  };

  app.post("/files", async (c) => {
    if (Number(c.req.header("content-length")) >= MAX_FILE_BYTES) throw tooLarge();
    if (!c.req.header("content-type")?.startsWith("multipart/form-data")) {
      throw badRequest("Invalid request", "Files must be uploaded as multipart/form-data");
    }
    const form = await c.req.formData();
    const content = form.get("content");
    if (!(content instanceof File)) throw badRequest("Invalid request", "The content field is required");
    if (content.size >= MAX_FILE_BYTES) throw tooLarge();
    const metadataPart = form.get("metadata");
    const metadata = parseMetadata(
      metadataPart instanceof File ? await metadataPart.text() : (metadataPart ?? undefined),
    );
    const filename = form.get("filename");
    const type = form.get("type");
    const file = files.add({
      name: typeof filename === "string" && filename ? filename : content.name,
      contentType: (typeof type === "string" && type) || content.type || "application/octet-stream",
      bytes: new Uint8Array(await content.arrayBuffer()),
      metadata,
    });
    return c.json(json(file), 201);
  });

  app.get("/files", (c) => c.json(page(c, files.list(), (file) => file.seq, json)));

  app.get("/files/:id", (c) => c.json(json(found(c.req.param("id")))));

  app.delete("/files/:id", (c) => {
    if (!files.delete(c.req.param("id"))) throw notFound("file");
    return c.body(null, 204);
  });

  app.get("/files/:id/download", (c) => {
    const file = found(c.req.param("id"));
    return c.body(Buffer.from(file.bytes), 200, {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename="${file.name.replaceAll('"', "")}"`,
    });
  });

  return app;
}
