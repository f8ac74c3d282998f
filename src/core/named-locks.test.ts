import { describe, expect, it } from "vitest";
import { LocalLocks } from "./named-locks.ts";

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe("LocalLocks", () => {
  it("runs holders of one name one at a time, in the order they asked", async () => {
    const locks = new LocalLocks();
    const order: string[] = [];
    const first = gate();
    const a = locks.withLock("n", async () => {
      order.push("a starts");
      await first.opened;
      order.push("a ends");
      return "a";
    });
    const b = locks.withLock("n", async () => {
      order.push("b runs");
      return "b";
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["a starts"]);
    first.open();
    expect(await Promise.all([a, b])).toEqual(["a", "b"]);
    expect(order).toEqual(["a starts", "a ends", "b runs"]);
  });

  it("lets other names run meanwhile, and passes the lock on after a failure", async () => {
    const locks = new LocalLocks();
    const held = gate();
    const holder = locks.withLock("n", () => held.opened);
    expect(await locks.withLock("other", async () => "free")).toBe("free");
    const failing = locks.withLock("n", async () => {
      throw new Error("boom");
    });
    const after = locks.withLock("n", async () => "after");
    held.open();
    await holder;
    await expect(failing).rejects.toThrow("boom");
    expect(await after).toBe("after");
  });
});
