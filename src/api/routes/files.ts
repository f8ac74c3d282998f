/** Replicate's files API (reference/replicate.md §2.4) and the output files gengate serves. */
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { type Context, Hono } from "hono";
import { GatewayError } from "../../core/errors.ts";
import type { StoredFile } from "../../store/index.ts";
import type { ApiDeps, ApiEnv } from "../api-context.ts";
import { ownerScope } from "../auth.ts";
import { baseUrlOf } from "../base-url.ts";
import { limitBody } from "../body-limit.ts";
import { checkJsonShape } from "../json-shape.ts";
import { decodeCursor, pageOf } from "../pagination.ts";
import { checkFormFields } from "../request-body.ts";

const PAGE_SIZE = 100;
const FILE_LIFETIME_MS = 24 * 3600 * 1000;

function fileJson(file: StoredFile, base: string) {
  return {
    id: file.id,
    name: file.name,
    content_type: file.contentType,
    size: file.size,
    etag: file.md5,
    checksums: { sha256: file.sha256, md5: file.md5 },
    metadata: file.metadata,
    created_at: new Date(file.createdAt).toISOString(),
    expires_at: file.expiresAt === null ? null : new Date(file.expiresAt).toISOString(),
    urls: { get: `${base}/v1/files/${file.id}` },
  };
}

async function metadataOf(part: unknown): Promise<Record<string, unknown>> {
  if (part === undefined) return {};
  const text = part instanceof Blob ? await part.text() : String(part);
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      checkJsonShape(value, "metadata", ["metadata"]);
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new GatewayError("invalid_input", "metadata must be a JSON object", {
    invalidFields: [{ type: "format", field: "metadata", description: "metadata must be a JSON object" }],
  });
}

/** The API's files, under /v1 and behind a token: each token's own, until they expire. */
export function fileRoutes({ engine, storage, config }: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { uploads } = engine;

  const ownFile = async (c: Context<ApiEnv>) => {
    const file = await uploads.get(c.req.param("id") ?? "", ownerScope(c.get("token")));
    if (!file) throw new GatewayError("not_found", "file not found");
    return file;
  };

  app.post("/files", limitBody(config.maxFileBytes, "Files"), async (c) => {
    const form = await c.req.parseBody().catch(() => {
      throw new GatewayError("bad_request", "body must be multipart/form-data with a content part");
    });
    checkFormFields(form);
    const content = form.content;
    if (!(content instanceof File)) {
      throw new GatewayError("invalid_input", "content is required and must be a file", {
        invalidFields: [
          { type: "required", field: "content", description: "content is required and must be a file" },
        ],
      });
    }
    // Everything is checked before the bytes are stored: a refused upload leaves nothing behind.
    const metadata = await metadataOf(form.metadata);
    const contentType =
      (typeof form.type === "string" && form.type) || content.type || "application/octet-stream";
    const file = await uploads.add(
      Readable.fromWeb(content.stream() as NodeReadableStream<Uint8Array>),
      {
        name: (typeof form.filename === "string" && form.filename) || content.name || "file",
        contentType,
        metadata,
        tokenId: c.get("token").id,
        expiresAt: Date.now() + FILE_LIFETIME_MS,
      },
      config.maxFileBytes,
    );
    return c.json(fileJson(file, baseUrlOf(c, config.publicUrl)), 201);
  });

  app.get("/files", async (c) => {
    const before = decodeCursor(c.req.query("cursor"));
    const scope = ownerScope(c.get("token"));
    const rows = await uploads.list({
      limit: PAGE_SIZE + 1,
      ...(before && { before }),
      ...(scope !== undefined && { tokenId: scope }),
    });
    const base = baseUrlOf(c, config.publicUrl);
    return c.json(
      pageOf(
        rows,
        PAGE_SIZE,
        `${base}/v1/files`,
        (f) => f,
        (f) => fileJson(f, base),
      ),
    );
  });

  app.get("/files/:id", async (c) => c.json(fileJson(await ownFile(c), baseUrlOf(c, config.publicUrl))));

  app.get("/files/:id/download", async (c) => {
    const file = await ownFile(c);
    c.header("Content-Type", file.contentType);
    return c.body(Readable.toWeb(await storage.open(file.storageKey)) as ReadableStream);
  });

  app.delete("/files/:id", async (c) => {
    await uploads.remove(await ownFile(c));
    return c.body(null, 204);
  });

  return app;
}
