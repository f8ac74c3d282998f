/** Fair-share counts stored per provider: changes are set and removed, other providers' kept. */
import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import { createStore } from "./index.ts";

describeEachBackend("FairSharesRepo", (open) => {
  it("stores what is set, forgets what is removed, and keeps each provider's counts apart", async () => {
    const { fairShares } = createStore(await open());
    await fairShares.save("sim", {
      set: [
        { scope: "tenant", key: "a", served: 3 },
        { scope: "group", key: "a/", served: 3 },
        { scope: "tenant", key: "b", served: 1 },
      ],
      removed: [],
    });
    await fairShares.save("fal", { set: [{ scope: "tenant", key: "a", served: 7 }], removed: [] });
    await fairShares.save("sim", {
      set: [{ scope: "tenant", key: "a", served: 4 }],
      removed: [{ scope: "tenant", key: "b", served: 1 }],
    });
    const byKey = (counts: { scope: string; key: string }[]) =>
      [...counts].sort((x, y) => `${x.scope}${x.key}`.localeCompare(`${y.scope}${y.key}`));
    expect(byKey(await fairShares.load("sim"))).toEqual([
      { scope: "group", key: "a/", served: 3 },
      { scope: "tenant", key: "a", served: 4 },
    ]);
    expect(await fairShares.load("fal")).toEqual([{ scope: "tenant", key: "a", served: 7 }]);
  });
});
