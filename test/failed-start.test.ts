/** A start that fails half-way releases what it opened: no loops, timers or handles keep running. */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { expect, it } from "vitest";
import { startGateway } from "./support/gateway.ts";

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

it("leaves nothing running when the port is taken", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = blocker.address() as AddressInfo;
    await settle();
    const before = process.getActiveResourcesInfo().sort();
    await expect(startGateway({ PORT: String(port) })).rejects.toThrow(/EADDRINUSE/);
    await settle();
    expect(process.getActiveResourcesInfo().sort()).toEqual(before);
  } finally {
    blocker.close();
  }
});
