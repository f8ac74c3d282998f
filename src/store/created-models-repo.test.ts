import { expect, it } from "vitest";
import { describeEachBackend } from "../../test/support/backends.ts";
import type { CreatedModel } from "../core/created-model.ts";
import { CreatedModelsRepo } from "./created-models-repo.ts";

const NO_LINKS = { github_url: null, paper_url: null, license_url: null, cover_image_url: null };

function model(name: string, overrides: Partial<CreatedModel> = {}): CreatedModel {
  return {
    owner: "sim-lora",
    name,
    tokenId: "tok-a",
    provider: "sim",
    upstream: false,
    visibility: "private",
    hardware: "cpu",
    description: null,
    links: NO_LINKS,
    createdAt: 1_000,
    ...overrides,
  };
}

describeEachBackend("CreatedModelsRepo", (open) => {
  async function repo(): Promise<CreatedModelsRepo> {
    return new CreatedModelsRepo((await open()).db);
  }

  it("round-trips a model, and refuses a second of the same name whoever asks", async () => {
    const models = await repo();
    const made = model("portraits", {
      upstream: true,
      description: "faces",
      links: { ...NO_LINKS, github_url: "https://github.com/a/b" },
    });
    expect(await models.insert(made)).toBe(true);
    expect(await models.get("sim-lora/portraits")).toEqual(made);
    expect(await models.insert(model("portraits", { tokenId: "tok-b" }))).toBe(false);
    expect((await models.get("sim-lora/portraits"))?.tokenId).toBe("tok-a");
    expect(await models.get("sim-lora/missing")).toBeNull();
  });

  it("searches names and descriptions, any case, a token's own or everyone's, LIKE's wildcards taken literally", async () => {
    const models = await repo();
    await models.insert(model("zebra", { createdAt: 1 }));
    await models.insert(model("plain", { description: "Stripes at 100% off_white", createdAt: 2 }));
    await models.insert(model("other", { tokenId: "tok-b", description: "ZEBRA too", createdAt: 3 }));
    const names = (found: CreatedModel[]) => found.map(({ name }) => name);
    expect(names(await models.search("zebra", "tok-a", 10))).toEqual(["zebra"]);
    expect(names(await models.search("zebra", undefined, 10))).toEqual(["zebra", "other"]);
    expect(names(await models.search("100%", "tok-a", 10))).toEqual(["plain"]);
    expect(names(await models.search("1%f", "tok-a", 10))).toEqual([]);
    expect(names(await models.search("o_f", "tok-a", 10))).toEqual([]);
    expect(names(await models.search("off_w", "tok-a", 10))).toEqual(["plain"]);
    expect(names(await models.search("zebra", undefined, 1))).toEqual(["zebra"]);
  });
});
