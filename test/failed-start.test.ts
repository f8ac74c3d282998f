/** A start that fails half-way releases what it opened: no loops, timers or handles keep running. */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { expect, it } from "vitest";
import { startGateway } from "./support/gateway.ts";

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

/** How many of each kind of handle and timer keep the process alive. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

it("leaves nothing running when the port is taken", async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = blocker.address() as AddressInfo;
    await settle();
    const before = activeResources();
    await expect(startGateway({ PORT: String(port) })).rejects.toThrow(/EADDRINUSE/);
    await settle();
    // Transient timers of the test runner may come and go; nothing may be added.
    for (const [kind, count] of Object.entries(activeResources())) {
      expect({ kind, count }).toEqual({ kind, count: Math.min(count, before[kind] ?? 0) });
    }
  } finally {
    blocker.close();
  }
});
