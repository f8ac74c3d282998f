import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchPublic, nonPublicReason } from "./public-fetch.ts";

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === "/loop") {
      res.writeHead(302, { location: "/loop" }).end();
    } else if (req.url === "/hop") {
      res.writeHead(302, { location: "/image" }).end();
    } else if (req.url === "/big") {
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.alloc(2048));
    } else {
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from("png bytes"));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const open = { maxBytes: 1024, timeoutMs: 5_000, allowPrivate: true };
const guarded = { ...open, allowPrivate: false };

describe("nonPublicReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["169.254.169.254", "linkLocal"],
    ["10.1.2.3", "private"],
    ["192.168.1.1", "private"],
    ["0.0.0.0", "unspecified"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["fd00::1", "uniqueLocal"],
  ])("refuses %s (%s)", (address, range) => {
    expect(nonPublicReason(address)).toBe(`${address} is a ${range} address`);
  });

  it.each(["8.8.8.8", "2606:4700:4700::1111"])("accepts public %s", (address) => {
    expect(nonPublicReason(address)).toBeUndefined();
  });
});

describe("fetchPublic", () => {
  it("refuses loopback and cloud metadata addresses, by IP or by name, before connecting", async () => {
    for (const url of [
      `http://127.0.0.1:${port}/image`,
      "http://169.254.169.254/latest/meta-data/",
      `http://localhost:${port}/image`,
      `http://[::1]:${port}/image`,
    ]) {
      await expect(fetchPublic(url, guarded), url).rejects.toMatchObject({
        code: "invalid_input",
        message: expect.stringMatching(/not on a public address .*GENGATE_ALLOW_PRIVATE_URLS/),
      });
    }
  });

  it("fetches from private addresses when allowed, following a redirect", async () => {
    const file = await fetchPublic(`http://127.0.0.1:${port}/hop`, open);
    expect(file).toEqual({ data: Buffer.from("png bytes"), contentType: "image/png" });
  });

  it("gives up after a few redirects, and on files over the size cap", async () => {
    await expect(fetchPublic(`http://127.0.0.1:${port}/loop`, open)).rejects.toThrow(
      /redirects more than 3 times/,
    );
    await expect(fetchPublic(`http://127.0.0.1:${port}/big`, open)).rejects.toMatchObject({
      code: "payload_too_large",
    });
  });

  it("fetches only http(s)", async () => {
    await expect(fetchPublic("file:///etc/passwd", open)).rejects.toThrow(/only http\(s\) URLs/);
  });
});
