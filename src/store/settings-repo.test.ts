import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { SettingsRepo } from "./settings-repo.ts";

describeEachBackend("SettingsRepo", (open) => {
  it("creates a value once and returns it afterwards", async () => {
    const settings = new SettingsRepo((await open()).db);
    expect(await settings.get("secret")).toBeNull();
    expect(await settings.getOrCreate("secret", () => "first")).toBe("first");
    expect(await settings.getOrCreate("secret", () => "second")).toBe("first");
    expect(await settings.get("secret")).toBe("first");
  });

  it("gives concurrent callers on separate connections the same value", async () => {
    const database = await open();
    const other = await database.reopen();
    const repos = [new SettingsRepo(database.db), new SettingsRepo(other.db)];
    let n = 0;
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, i) => repos[i % 2]?.getOrCreate("key", () => `value-${n++}`)),
    );
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toBe(await repos[0]?.get("key"));
  });
});
