/**
 * An anchor of the gateway benchmark: a pass-through proxy (as Portkey is) in a `node:http`
 * server, forwarding each request to the upstream given as argv[2] with `fetch` and the answer
 * back, with no state, no queue and no copy of the outputs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const upstream = process.argv[2];
const FORWARDED = ["authorization", "prefer", "content-type"];

const server = createServer(async (request, response) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = request.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  const answer = await fetch(`${upstream}${request.url}`, {
    method: request.method,
    headers,
    ...(chunks.length > 0 && { body: Buffer.concat(chunks) }),
  });
  const body = Buffer.from(await answer.arrayBuffer());
  response.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "" });
  response.end(body);
});
server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.stdin.on("end", () => server.close());
process.stdin.resume();
