/**
 * A Bot API call's parameters, from the query string and a JSON, urlencoded or multipart body
 * (reference C.1, C.2). grammY's multipart parts have unquoted filenames, which busboy reads.
 */
import type { IncomingMessage } from "node:http";
import busboy from "busboy";
import { badRequest, chatNotFound, required, tooLarge } from "./api-error.ts";

/** Telegram's cloud limit for one uploaded file (50 MiB); a larger one is refused with 413. */
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface UploadedPart {
  filename: string;
  mimeType: string;
  bytes: Buffer;
}

export class Params {
  readonly values: Record<string, unknown>;
  readonly parts: Map<string, UploadedPart>;

  constructor(values: Record<string, unknown>, parts = new Map<string, UploadedPart>()) {
    this.values = values;
    this.parts = parts;
  }

  has(name: string): boolean {
    return this.values[name] !== undefined && this.values[name] !== null;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : JSON.stringify(value);
  }

  requireString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === "") throw required(name);
    return value;
  }

  int(name: string): number | undefined {
    if (!this.has(name)) return undefined;
    const value = Number(this.values[name]);
    if (!Number.isInteger(value)) throw badRequest(`parameter "${name}" must be an integer`);
    return value;
  }

  requireInt(name: string): number {
    if (name === "chat_id") return this.#chatId();
    const value = this.int(name);
    if (value === undefined) throw required(name);
    return value;
  }

  /** The fake's chats are private ones, named by number; an @username names none of them. */
  #chatId(): number {
    if (!this.has("chat_id") || this.string("chat_id") === "") throw badRequest("chat_id is empty");
    const value = Number(this.values.chat_id);
    if (!Number.isSafeInteger(value)) throw chatNotFound();
    return value;
  }

  bool(name: string): boolean {
    const value = this.values[name];
    return value === true || value === "true" || value === "1";
  }

  /** An object or array, sent as JSON text in urlencoded and multipart bodies. */
  json<T>(name: string): T | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value as T;
    try {
      return JSON.parse(value) as T;
    } catch {
      throw badRequest(`can't parse ${name} JSON object`);
    }
  }

  /** What the call log shows: every field, and each uploaded part as its name and size. */
  summary(): Record<string, unknown> {
    const files = Object.fromEntries(
      [...this.parts].map(([name, part]) => [name, { filename: part.filename, size: part.bytes.length }]),
    );
    return { ...this.values, ...(this.parts.size > 0 && { uploads: files }) };
  }
}

export async function readParams(request: IncomingMessage, url: URL): Promise<Params> {
  const values: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const type = (request.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("multipart/form-data")) return readMultipart(request, values);
  const body = await readBody(request);
  if (body.length === 0) return new Params(values);
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON encoded request body");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw badRequest("JSON request body must be an object");
    return new Params({ ...values, ...parsed });
  }
  return new Params({ ...values, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    // keep draining so the client reads the answer instead of a reset connection
    if (size <= MAX_UPLOAD_BYTES) chunks.push(chunk);
  }
  if (size > MAX_UPLOAD_BYTES) throw tooLarge();
  return Buffer.concat(chunks);
}

function readMultipart(request: IncomingMessage, values: Record<string, unknown>): Promise<Params> {
  return new Promise((resolve, reject) => {
    const parts = new Map<string, UploadedPart>();
    let oversized = false;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        limits: { fileSize: MAX_UPLOAD_BYTES, fieldSize: MAX_UPLOAD_BYTES },
      });
    } catch {
      reject(badRequest("can't parse multipart/form-data request body"));
      return;
    }
    parser.on("field", (name, value) => {
      values[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => {
        oversized = true;
      });
      stream.on("close", () => {
        parts.set(name, {
          filename: info.filename ?? name,
          mimeType: info.mimeType,
          bytes: Buffer.concat(chunks),
        });
      });
    });
    parser.on("error", () => reject(badRequest("can't parse multipart/form-data request body")));
    parser.on("close", () => (oversized ? reject(tooLarge()) : resolve(new Params(values, parts))));
    request.pipe(parser);
  });
}
