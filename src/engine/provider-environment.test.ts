import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { createStore } from "../store/index.ts";
import { limitsOf } from "./cluster/process-state.ts";
import { providerEnvironment } from "./provider-environment.ts";

const quiet = { info() {}, warn() {} };
const ours = { code: "internal", retryable: true, message: expect.stringMatching(/^gengate's database: /) };

describeEachBackend("the providers' environment", (open) => {
  it("gives providers a failure of gengate's database as a retryable error", async () => {
    const database = await open();
    const environment = providerEnvironment(createStore(database), limitsOf(database), {
      dataDir: "/unused",
      logger: quiet,
    });
    const journal = environment.journals.for("sim");
    await journal.append({ kind: "start", workId: "p1", upstreamId: null, body: null, at: 1 });
    await database.close();
    await expect(journal.find({})).rejects.toMatchObject(ours);
    await expect(environment.leases.take("job", "me", 1_000)).rejects.toMatchObject(ours);
    if (database.dialect === "postgres") {
      await expect(environment.limiter.bucket("k", 60, 1).take(1)).rejects.toMatchObject(ours);
      await expect(environment.locks.withLock("n", async () => 1)).rejects.toMatchObject(ours);
    }
  });

  it("passes on unchanged what a step under a lock throws", async () => {
    const database = await open();
    const { locks } = providerEnvironment(createStore(database), limitsOf(database), {
      dataDir: "/unused",
      logger: quiet,
    });
    const mine = new Error("the lookup failed");
    await expect(locks.withLock("n", () => Promise.reject(mine))).rejects.toBe(mine);
    expect(await locks.withLock("n", async () => "done")).toBe("done");
  });
});
