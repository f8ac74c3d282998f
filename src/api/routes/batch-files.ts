/**
 * `POST /v1/batches/parse`: a batch file's text read by the rules of `gengate batch` (its name's
 * extension picks CSV, JSON, JSON Lines or a prompt a line), answered as the fields of a batch
 * request. Nothing is created: a client (the dashboard) shows the items, then posts the batch.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ApiEnv } from "../api-context.ts";
import { readJson } from "../request-body.ts";

const batchFileSchema = z.strictObject({
  name: z
    .string({ error: "name must be the file's name, such as prompts.csv" })
    .min(1, "name must not be empty")
    .max(255, "name must be at most 255 characters"),
  text: z.string({ error: "text must be the file's content, as text" }),
});

export function batchFileRoutes(): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post("/batches/parse", async (c) => {
    const { name, text } = await readJson(c, batchFileSchema);
    // Loaded on first use: the parsers (CSV's library among them) are the dashboard's alone.
    const { parseBatchFile } = await import("../../core/batch-file/parse-batch-file.ts");
    return c.json(parseBatchFile(text, name));
  });
  return app;
}
