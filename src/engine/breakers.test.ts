/** Circuits shared by processes on PostgreSQL: one process's failures open it for all; one probe among all. */
import { describe, expect, it } from "vitest";
import { backends, pgUnavailable, REQUIRE_BACKENDS } from "../../test/support/backends.ts";
import { SharedLimitsRepo } from "../store/shared-limits-repo.ts";
import { SharedBreakers } from "./breakers.ts";

const postgres = backends.find((backend) => backend.name === "postgres");
const settings = { failures: 3, windowMs: 60_000, openMs: 300 };

describe.skipIf(pgUnavailable !== undefined && !REQUIRE_BACKENDS)("SharedBreakers", () => {
  it("opens for every process on one's failures, then lets one probe through among all", async () => {
    const first = await postgres?.open();
    if (!first) throw new Error("no PostgreSQL backend");
    const second = await first.reopen();
    const a = new SharedBreakers(new SharedLimitsRepo(first.db, first.schema ?? ""), settings);
    const b = new SharedBreakers(new SharedLimitsRepo(second.db, second.schema ?? ""), settings);
    for (let i = 0; i < 3; i++) await a.failure("fast#0");
    expect(await b.admit("fast#0")).toBe("open");
    expect(await b.state("fast#0")).toBe("open");
    await new Promise((resolve) => setTimeout(resolve, settings.openMs));
    const admissions = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).admit("fast#0")),
    );
    expect(admissions.filter((admission) => admission === "probe")).toHaveLength(1);
    await b.success("fast#0");
    expect(await a.admit("fast#0")).toBe("closed");
  });
});
