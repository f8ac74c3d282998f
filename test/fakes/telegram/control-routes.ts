/**
 * An HTTP mirror of the test controls under `{apiRoot}/_fake/`, for trying a bot by hand (see
 * serve.ts): a person writes, sends a photo or presses a button; anyone reads a chat or the calls.
 *   POST /_fake/users/{id}/text   {"text", "first_name"?, "language_code"?}
 *   POST /_fake/users/{id}/photo  body = image bytes, ?caption=
 *   POST /_fake/users/{id}/press  {"message_id", "data"}
 *   GET  /_fake/chats/{id}/transcript(.html)   GET /_fake/calls?method=
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FakeUser } from "./bot-identity.ts";
import { renderTranscriptHtml } from "./render-transcript.ts";
import type { FakeState } from "./state.ts";
import type { userActions } from "./user-actions.ts";

type Actions = ReturnType<typeof userActions>;

export function controlRoutes(state: FakeState, actions: Actions) {
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const body = await readAll(request);
    const json = () =>
      body.length > 0 ? (JSON.parse(body.toString("utf8")) as Record<string, unknown>) : {};
    const send = (status: number, value: unknown, type = "application/json") => {
      const text = type === "application/json" ? JSON.stringify(value) : String(value);
      response.writeHead(status, { "content-type": type }).end(text);
    };
    const user = (id: string, fields: Record<string, unknown>): FakeUser => ({
      id: Number(id),
      first_name: String(fields.first_name ?? url.searchParams.get("first_name") ?? "Ann"),
      ...(typeof fields.language_code === "string" && { language_code: fields.language_code }),
    });
    const [, , kind, id = "", action = ""] = url.pathname.split("/");
    try {
      if (request.method === "POST" && kind === "users" && action === "text") {
        const fields = json();
        return send(200, actions.sendText(user(id, fields), String(fields.text ?? "")));
      }
      if (request.method === "POST" && kind === "users" && action === "photo") {
        const caption = url.searchParams.get("caption");
        return send(200, await actions.sendPhoto(user(id, {}), body, caption ? { caption } : {}));
      }
      if (request.method === "POST" && kind === "users" && action === "press") {
        const fields = json();
        return send(
          200,
          actions.pressButton(user(id, fields), Number(fields.message_id), String(fields.data)),
        );
      }
      if (request.method === "GET" && kind === "chats" && action === "transcript")
        return send(200, state.chats.transcript(Number(id)));
      if (request.method === "GET" && kind === "chats" && action === "transcript.html") {
        const html = renderTranscriptHtml(
          state.chats.transcript(Number(id)),
          (fileId) => state.files.get(fileId)?.bytes,
        );
        return send(200, html, "text/html; charset=utf-8");
      }
      if (request.method === "GET" && kind === "calls")
        return send(200, state.calls.list(url.searchParams.get("method") ?? undefined));
      return send(404, { error: "no such control; see test/fakes/telegram/control-routes.ts" });
    } catch (error) {
      return send(400, { error: String(error) });
    }
  };
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
