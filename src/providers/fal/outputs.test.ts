import { describe, expect, it } from "vitest";
import { succeededWith } from "./outputs.ts";

const image = (name: string) => ({
  url: `https://v3.fal.media/files/${name}.png`,
  content_type: "image/png",
});

describe("succeededWith", () => {
  it("says which images fal flagged, as a warning and in the logs", () => {
    const status = succeededWith(
      { images: [image("a"), image("b")], has_nsfw_concepts: [false, true] },
      "step 1\n",
    );
    expect(status.warnings).toEqual(["fal flagged NSFW content in image 1"]);
    expect(status.logs).toBe("step 1\nfal flagged NSFW content in image 1\n");
    expect(status.output).toHaveLength(2);
  });

  it("has no warning when nothing was flagged", () => {
    const status = succeededWith({ images: [image("a")], has_nsfw_concepts: [false] });
    expect(status).not.toHaveProperty("warnings");
    expect(status).not.toHaveProperty("logs");
  });
});
