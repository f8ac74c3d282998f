import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiClient } from "../api-client.ts";
import { createOutputSaver, saveOutput } from "./output-saver.ts";

let server: Server;
let url: string;
let dir: string;
let gets = 0;
const client = () => new ApiClient(url, "token");

beforeAll(async () => {
  server = createServer((req, res) => {
    gets++;
    if (req.url === "/broken") {
      // Half the file, then the connection dies.
      res.writeHead(200, { "content-length": "100" });
      res.write("half");
      setTimeout(() => res.destroy(), 20);
      return;
    }
    res.writeHead(200).end(`bytes of ${req.url}`);
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), "gengate-saver-"));
});

afterAll(async () => {
  await new Promise((closed) => server.close(closed));
  await rm(dir, { recursive: true, force: true });
});

describe("saveOutput", () => {
  it("downloads to the name, and leaves a file already there alone", async () => {
    const before = gets;
    expect(await saveOutput(client(), { name: "1_a.png", url: `${url}/a` }, dir)).toBe("saved");
    expect(await readFile(join(dir, "1_a.png"), "utf8")).toBe("bytes of /a");
    await writeFile(join(dir, "1_a.png"), "edited");
    expect(await saveOutput(client(), { name: "1_a.png", url: `${url}/a` }, dir)).toBe("present");
    expect(await readFile(join(dir, "1_a.png"), "utf8")).toBe("edited");
    expect(gets - before).toBe(1);
  });

  it("leaves nothing under the name, nor a partial file, when the download breaks", async () => {
    await expect(saveOutput(client(), { name: "2_b.png", url: `${url}/broken` }, dir)).rejects.toThrow();
    expect((await readdir(dir)).filter((name) => name.includes("2_b"))).toEqual([]);
  });

  it("saves a name with folders into those subfolders", async () => {
    const name = "animals/red fox/1 (a).png";
    expect(await saveOutput(client(), { name, url: `${url}/deep` }, dir)).toBe("saved");
    expect(await readFile(join(dir, name), "utf8")).toBe("bytes of /deep");
    expect(await readdir(join(dir, "animals/red fox"))).toEqual(["1 (a).png"]);
  });

  it("refuses a name that leads out of the directory", async () => {
    for (const name of ["../x.png", "a/../../x.png", "/etc/x.png", "a\\..\\x.png", "..", "", "a//b.png"]) {
      await expect(saveOutput(client(), { name, url: `${url}/a` }, dir)).rejects.toThrow(
        "which is not a path inside",
      );
    }
  });
});

describe("createOutputSaver", () => {
  it("tells what it saved, found and could not get", async () => {
    const saver = createOutputSaver(client(), dir);
    for (const name of ["3_c.png", "4_d.png", "1_a.png"]) saver.save({ name, url: `${url}/${name}` });
    saver.save({ name: "5_e.png", url: `${url}/broken` });
    const result = await saver.finish();
    expect(result).toMatchObject({ saved: 2, present: 1 });
    expect(result.failed.map((f) => f.name)).toEqual(["5_e.png"]);
  });
});
