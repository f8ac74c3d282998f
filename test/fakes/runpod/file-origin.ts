/** A separate origin serving worker output files by URL (like image.runpod.ai or a presigned bucket). */
import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const CONTENT_TYPES: Record<string, string> = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" };

export class FileOrigin {
  readonly #files = new Map<string, { data: Buffer; contentType: string }>();
  readonly #server: Server;
  readonly url: string;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(host: string): Promise<FileOrigin> {
    const app = new Hono();
    const server = serve({ fetch: app.fetch, port: 0, hostname: host }) as Server;
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    const origin = new FileOrigin(server, `http://${host}:${port}`);
    app.get("/files/:token/:name", (c) => {
      const file = origin.#files.get(`${c.req.param("token")}/${c.req.param("name")}`);
      if (!file) return c.text("NoSuchKey", 404);
      return c.body(new Uint8Array(file.data), 200, { "content-type": file.contentType });
    });
    return origin;
  }

  /** Stores `data` and returns its URL; the random path stands for a presigned URL. */
  put(data: Buffer, name: string): string {
    const path = `${randomUUID()}/${name}`;
    const extension = name.slice(name.lastIndexOf(".") + 1);
    this.#files.set(path, { data, contentType: CONTENT_TYPES[extension] ?? "application/octet-stream" });
    return `${this.url}/files/${path}`;
  }

  reset(): void {
    this.#files.clear();
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    return closed;
  }
}
