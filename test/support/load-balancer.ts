/**
 * A round-robin HTTP load balancer on loopback, in front of queue mode's API nodes, as a
 * deployment would put one: the address in `PUBLIC_URL`, where providers' webhooks arrive. A
 * request a node refuses to connect (it is down) goes to the next one.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoadBalancer {
  url: string;
  /** The nodes' base URLs, in turn; change it as nodes come and go. */
  nodes: string[];
  /** How many requests each node answered, by base URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

export async function startLoadBalancer(nodes: string[] = []): Promise<LoadBalancer> {
  let turn = 0;
  const served = new Map<string, number>();
  const balancer: LoadBalancer = {
    url: "",
    nodes,
    served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, triesLeft: number) => {
    const node = balancer.nodes[turn++ % Math.max(1, balancer.nodes.length)];
    if (!node) {
      res.writeHead(503).end("no node");
      return;
    }
    const target = new URL(req.url ?? "/", node);
    const upstream = httpRequest(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host } },
      (answer) => {
        served.set(node, (served.get(node) ?? 0) + 1);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNREFUSED" && triesLeft > 0) forward(req, res, body, triesLeft - 1);
      else if (!res.headersSent) res.writeHead(502).end(String(error));
      else res.destroy();
    });
    upstream.end(body);
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => forward(req, res, Buffer.concat(chunks), balancer.nodes.length));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  balancer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return balancer;
}
