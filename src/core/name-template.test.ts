import { describe, expect, it } from "vitest";
import { GatewayError, type InvalidField } from "./errors.ts";
import {
  checkItemNames,
  fileName,
  type NameFile,
  type NameItem,
  parseNameTemplate,
  renderName,
} from "./name-template.ts";

const DEFAULT = "{index}_{slug}.{ext}";

function render(
  template: string,
  input: Record<string, unknown> = {},
  file: Partial<NameFile> = {},
  item: Partial<NameItem> = {},
): string {
  return renderName(
    parseNameTemplate(template),
    { index: 1, model: "sim/image", input, ...item },
    { output: 1, ext: "png", outputs: 1, ...file },
  );
}

/** The error `run` throws, which must be a 422 naming exactly one field. */
function failure(run: () => unknown): { message: string; field: InvalidField } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const gateway = error as GatewayError;
    expect(gateway.status).toBe(422);
    expect(gateway.invalidFields).toHaveLength(1);
    return { message: gateway.message, field: gateway.invalidFields?.[0] as InvalidField };
  }
  throw new Error("expected a failure");
}

function templateError(template: string): string {
  const { message, field } = failure(() => parseNameTemplate(template));
  expect(field.field).toBe("name_template");
  expect(message).toBe(`name_template: ${field.description}`);
  return field.description;
}

const items = (prompts: string[]): NameItem[] =>
  prompts.map((prompt, position) => ({ index: position + 1, model: "sim/image", input: { prompt } }));

describe("parseNameTemplate", () => {
  it("renders the default template", () => {
    expect(render(DEFAULT, { prompt: "A red fox" }, {}, { index: 12 })).toBe("12_a-red-fox.png");
  });

  it("zero-pads {index:N} and {output:N}, never cutting longer numbers", () => {
    expect(render("{index:4}.{ext}", {}, {}, { index: 7 })).toBe("0007.png");
    expect(render("{index:04}.{ext}", {}, {}, { index: 7 })).toBe("0007.png");
    expect(render("{index:9}", {}, {}, { index: 7 })).toBe("000000007");
    expect(render("{index:2}", {}, {}, { index: 12345 })).toBe("12345");
    expect(render("{index}-{output:3}.{ext}", {}, { output: 2, outputs: 2 })).toBe("1-002.png");
  });

  it("reads {{ and }} as literal braces", () => {
    expect(render("{{index}}_{index}.{ext}")).toBe("{index}_1.png");
    expect(render("{{{index}}}")).toBe("{1}");
  });

  it.each([
    ["", "must not be empty"],
    [".", 'must not be ".": that names a folder, not a file'],
    ["..", 'must not be "..": that names a folder, not a file'],
    ["a/{index}", "must not contain / or \\: names are flat"],
    ["a\\{index}", "must not contain / or \\: names are flat"],
    ["a\n{index}", "must not contain control characters"],
    ["{prompt.text}", "unknown variable {prompt.text}: variables are"],
    ["{a b}", "unknown variable {a b}"],
    ["{}", "{} has no variable name"],
    ["{:4}", "{:4} has no variable name"],
    ["{index", '"{" at position 1 is not closed'],
    ["x{a{index}", '"{" at position 2 is not closed'],
    ["{index}}", '"}" at position 8 closes nothing'],
    ["{index:0}", "bad width in {index:0}: use a number from 1 to 9, as in {index:4}"],
    ["{index:10}", "bad width in {index:10}"],
    ["{output:x}", "bad width in {output:x}: use a number from 1 to 9, as in {output:4}"],
    ["{index:}", "bad width in {index:}"],
    ["{index:-1}", "bad width in {index:-1}"],
    ["{slug:3}", "{slug} takes no width"],
    ["{seed:2}", "{seed} takes no width"],
  ])("rejects %j", (template, description) => {
    expect(templateError(template)).toContain(description);
  });
});

describe("{slug}, {model} and input fields", () => {
  const slug = (prompt: unknown) => render("{slug}", { prompt });

  it("folds case, accents and other scripts into lower-case ASCII", () => {
    expect(slug("  A Red -- Fox!! ")).toBe("a-red-fox");
    expect(slug("Crème brûlée à Paris")).toBe("creme-brulee-a-paris");
    expect(slug("Ｆｕｌｌ　ｗｉｄｔｈ ﬁsh")).toBe("full-width-fish");
    expect(slug("İstanbul at night")).toBe("istanbul-at-night");
    expect(slug("🦊 in the snow, 日本")).toBe("in-the-snow");
  });

  it("is untitled without a usable prompt", () => {
    expect(slug("日本の猫")).toBe("untitled");
    expect(slug("!!!")).toBe("untitled");
    expect(slug(42)).toBe("untitled");
    expect(render("{slug}")).toBe("untitled");
  });

  it("keeps at most 48 characters, cut at a word when that keeps at least half", () => {
    const long = "a watercolor painting of a lighthouse on a cliff at dawn with seagulls";
    expect(slug(long)).toBe("a-watercolor-painting-of-a-lighthouse-on-a-cliff");
    expect(slug(`${"x".repeat(48)} more`)).toBe("x".repeat(48));
    expect(slug(`a ${"y".repeat(60)}`)).toBe(`a-${"y".repeat(46)}`);
  });

  it("names the model by the part after the last / and before any :", () => {
    const model = (ref: string) => render("{model}", {}, {}, { model: ref });
    expect(model("black-forest-labs/FLUX.1-pro:5599ed30")).toBe("flux-1-pro");
    expect(model("sim/image")).toBe("image");
  });

  it("slugs scalar input fields", () => {
    const input = { seed: 42, style: "Watercolor Style", hd: true, scale: 1.5 };
    expect(render("{seed}_{style}_{hd}_{scale}", input)).toBe("42_watercolor-style_true_1-5");
  });

  it("rejects a missing or non-scalar field, naming it under input", () => {
    const missing = failure(() => render("{seed}"));
    expect(missing.field).toEqual({
      type: "required",
      field: "input.seed",
      description: "seed is required by name_template (in the input or the metadata)",
    });
    expect(missing.message).toBe(
      "input.seed: seed is required by name_template (in the input or the metadata)",
    );
    for (const value of [null, { a: 1 }, [1]]) {
      expect(failure(() => render("{seed}", { seed: value })).field).toMatchObject({
        type: "type",
        field: "input.seed",
      });
    }
    expect(failure(() => render("{constructor}")).field.field).toBe("input.constructor");
  });
});

describe("multiple outputs", () => {
  const outputs = (template: string) =>
    [1, 2, 3].map((output) => render(template, { prompt: "a cat" }, { output, outputs: 3 }));

  it("adds _<n> before the extension from the second output on", () => {
    expect(outputs(DEFAULT)).toEqual(["1_a-cat.png", "1_a-cat_2.png", "1_a-cat_3.png"]);
    expect(render(DEFAULT, { prompt: "a cat" }, { output: 1, outputs: 1 })).toBe("1_a-cat.png");
  });

  it("leaves names alone when the template has {output}", () => {
    expect(outputs("{index}-{output}.{ext}")).toEqual(["1-1.png", "1-2.png", "1-3.png"]);
  });

  it("puts the suffix before the . that precedes the last {ext}, keeping what follows", () => {
    expect(outputs("{ext}.{index}.{ext}")).toEqual(["png.1.png", "png.1_2.png", "png.1_3.png"]);
    expect(outputs("{slug}.{ext}.txt")[1]).toBe("a-cat_2.png.txt");
  });

  it("puts the suffix at the end when no . precedes {ext}", () => {
    expect(outputs("{index}_{slug}")[1]).toBe("1_a-cat_2");
    expect(outputs("{index}-{ext}")[1]).toBe("1-png_2");
  });
});

describe("safe names", () => {
  it("never renders an empty, dot or hidden name", () => {
    expect(render(".{ext}")).toBe("_.png");
    expect(render(".{style}", { style: "" })).toBe("_.");
    expect(render("..{style}", { style: "" })).toBe("_..");
    expect(render(".hidden-{index}")).toBe("_.hidden-1");
    expect(render("{style}", { style: "" })).toBe("_");
    expect(render("{style}.{ext}", { style: "" }, { output: 2, outputs: 2 })).toBe("__2.png");
  });

  it("cuts names to 200 bytes of UTF-8, keeping the suffix and extension", () => {
    const ascii = render(`${"x".repeat(300)}.{ext}`, {}, { output: 2, outputs: 2 });
    expect(ascii).toBe(`${"x".repeat(194)}_2.png`);
    const accented = render(`${"é".repeat(150)}_{index}.{ext}`, {}, { output: 12, outputs: 12 });
    expect(accented).toBe(`${"é".repeat(96)}_12.png`);
    expect(Buffer.byteLength(accented)).toBe(199);
  });

  it("keeps no extension longer than 100 bytes, cutting the name at its end", () => {
    const name = render(`{index}.{ext}${"y".repeat(250)}`, {}, { output: 2, outputs: 2 }, { index: 3 });
    expect(name).toBe(`3.png${"y".repeat(193)}_2`);
  });
});

describe("checkItemNames", () => {
  it("accepts distinct names, and repeated prompts when the template has {index}", () => {
    expect(() =>
      checkItemNames(parseNameTemplate(DEFAULT), items(["a cat", "a cat", "a dog"])),
    ).not.toThrow();
    const many = Array.from({ length: 10_000 }, (_, position) => `prompt ${position}`);
    expect(() => checkItemNames(parseNameTemplate("{slug}.{ext}"), items(many))).not.toThrow();
  });

  it("names the first two items that collide, by index", () => {
    const prompts = ["one", "two", "A cat", "four", "five", "six", "a càt!", "a cat", "nine", "ten"];
    const { message, field } = failure(() =>
      checkItemNames(parseNameTemplate("{slug}.{ext}"), items(prompts)),
    );
    expect(message).toBe('name_template: items 3 and 7 would both be named "a-cat.{ext}"; add {index}');
    expect(field.field).toBe("name_template");
  });

  it("sees collisions made by cutting long names", () => {
    const template = parseNameTemplate("{slug}{slug}{slug}{slug}{slug}_{index}.{ext}");
    const { message } = failure(() => checkItemNames(template, items(["x".repeat(48), "x".repeat(48)])));
    expect(message).toContain("items 1 and 2 would both be named");
    expect(message).toContain("names are cut to 200 bytes: put {index} earlier");
  });

  it("names a missing field by the item's position", () => {
    const batch: NameItem[] = [
      { index: 1, model: "sim/image", input: { seed: 1 } },
      { index: 2, model: "sim/image", input: { seed: 2 } },
      { index: 3, model: "sim/image", input: { seed: { random: true } } },
    ];
    const { message, field } = failure(() => checkItemNames(parseNameTemplate("{seed}.{ext}"), batch));
    expect(field).toMatchObject({ type: "type", field: "items[2].input.seed" });
    expect(message).toBe(
      "items[2].input.seed: seed must be a string, number or boolean to be used in name_template",
    );
  });
});

describe("an item's metadata and output_path", () => {
  it("fills a {field} from the metadata when the input lacks it; the input wins", () => {
    expect(render("{shelf}.{ext}", {}, {}, { metadata: { shelf: "Top Row" } })).toBe("top-row.png");
    expect(render("{shelf}.{ext}", { shelf: "input" }, {}, { metadata: { shelf: "meta" } })).toBe(
      "input.png",
    );
  });

  it("names an item with its own path, whatever the template needs", () => {
    const batch: NameItem[] = [
      { index: 1, model: "sim/image", input: {}, outputPath: "a/Fox 1.png" },
      { index: 2, model: "sim/image", input: { seed: 2 } },
    ];
    expect(() => checkItemNames(parseNameTemplate("{seed}.{ext}"), batch)).not.toThrow();
    const file = { output: 2, outputs: 2, ext: "webp" };
    expect(fileName(parseNameTemplate(DEFAULT), batch[0] as NameItem, file)).toBe("a/Fox 1_2.png");
  });

  it("refuses a path another item has, or needs as a folder, naming the later item's output_path", () => {
    const named = (paths: string[]) =>
      paths.map((outputPath, position) => ({ index: position + 1, model: "m", input: {}, outputPath }));
    const template = parseNameTemplate(DEFAULT);
    const same = failure(() => checkItemNames(template, named(["x/A.png", "b.png", "x/a.png"])));
    expect(same.field.field).toBe("items[2].output_path");
    expect(same.message).toBe(
      'items[2].output_path: items 1 and 3 would both be named "x/a.png"; give each item its own path',
    );
    expect(failure(() => checkItemNames(template, named(["x/a.png", "x/A.png/b.png"]))).message).toContain(
      'items 1 and 2: "x/A.png" would be both a file and a folder',
    );
    expect(failure(() => checkItemNames(template, named(["x/a.png/b.png", "x/a.png"]))).message).toContain(
      'items 1 and 2: "x/a.png" would be both a folder and a file',
    );
    // Without an extension a path gets the output's, so a folder of the same name is another path.
    expect(() => checkItemNames(template, named(["x/a", "x/a/b.png"]))).not.toThrow();
    expect(failure(() => checkItemNames(template, named(["x.png/b.png", "x.png"]))).field.field).toBe(
      "items[1].output_path",
    );
  });
});
