import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { newOwner, whereIs } from "./owner.ts";

describe("whereIs", () => {
  const self = newOwner();

  it("knows its own jobs", () => {
    expect(whereIs(self, self)).toBe("here");
  });

  it("takes jobs of an earlier provider of this process, or of a dead process on this host, as gone", () => {
    expect(whereIs(newOwner(), self)).toBe("gone");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    expect(whereIs({ ...newOwner(), pid: dead }, self)).toBe("gone");
  });

  it("leaves jobs of live processes and of other hosts to them", () => {
    expect(whereIs({ ...newOwner(), pid: process.ppid }, self)).toBe("elsewhere");
    expect(whereIs({ ...newOwner(), host: "another-host" }, self)).toBe("elsewhere");
  });
});
