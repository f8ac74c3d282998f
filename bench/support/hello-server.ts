/** The anchor of the CPU benchmark: a hello-world `node:http` server answering a prediction-shaped JSON. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const ANSWER = JSON.stringify({ id: "hello", status: "succeeded", output: ["hello.png"] });

const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(201, { "content-type": "application/json" });
    response.end(ANSWER);
  });
});
server.listen(0, "127.0.0.1", () => {
  console.log(`ready ${(server.address() as AddressInfo).port}`);
});
process.stdin.on("end", () => server.close());
process.stdin.resume();
