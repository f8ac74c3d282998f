import { describe, expect, it } from "vitest";
import { parseBatchFile } from "./parse-batch-file.ts";

const errorOf = (text: string, file: string) => () => parseBatchFile(text, file);

describe("a .json batch file", () => {
  it("is an array of items, each with an input object or being the input", () => {
    const text = JSON.stringify([
      { prompt: "a fox", seed: 4 },
      { model: "gengate/fast-image", prompt: "a boat" },
      { model: "sim/text", input: { prompt: "hello" } },
    ]);
    expect(parseBatchFile(text, "p.json")).toEqual({
      items: [
        { input: { prompt: "a fox", seed: 4 } },
        { model: "gengate/fast-image", input: { prompt: "a boat" } },
        { model: "sim/text", input: { prompt: "hello" } },
      ],
    });
  });

  it("is an object with items and batch fields", () => {
    const text = JSON.stringify({
      items: [{ prompt: "a fox" }],
      model: "sim/image",
      input: { width: 64 },
      name_template: "{index:3}.{ext}",
      concurrency: 2,
    });
    expect(parseBatchFile(text, "p.json")).toEqual({
      items: [{ input: { prompt: "a fox" } }],
      model: "sim/image",
      input: { width: 64 },
      name_template: "{index:3}.{ext}",
      concurrency: 2,
    });
  });

  it("names the file and the item of an error", () => {
    expect(errorOf("[{", "p.json")).toThrow(/^p\.json: not valid JSON: /);
    expect(errorOf('"a fox"', "p.json")).toThrow(
      'p.json: must be an array of items or an object with an "items" array',
    );
    expect(errorOf('{"items": [], "size": 3}', "p.json")).toThrow('p.json: unknown field "size"');
    expect(errorOf('{"items": [], "concurrency": 0}', "p.json")).toThrow(
      'p.json: "concurrency" must be a positive integer',
    );
    expect(errorOf('{"items": [], "input": [1]}', "p.json")).toThrow('p.json: "input" must be an object');
    expect(errorOf('[{"prompt": "a"}, "b"]', "p.json")).toThrow(
      "p.json item 2: an item must be a JSON object",
    );
    expect(errorOf('[{"prompt": "a", "model": 3}]', "p.json")).toThrow(
      'p.json item 1: "model" must be a non-empty string',
    );
    expect(errorOf('[{"input": {"prompt": "a"}, "seed": 3}]', "p.json")).toThrow(
      'p.json item 1: "seed" beside "input": put it inside "input"',
    );
  });
});

describe("an item's output_path and metadata", () => {
  it("sit beside its input, or are taken out of a flat item", () => {
    const lines = [
      { input: { prompt: "a" }, output_path: "x/a.png", metadata: { sku: 1 } },
      { prompt: "b", output_path: "x/b", metadata: { tags: ["t"] }, model: "sim/image" },
    ];
    expect(parseBatchFile(lines.map((line) => JSON.stringify(line)).join("\n"), "p.jsonl")).toEqual({
      items: [
        { input: { prompt: "a" }, output_path: "x/a.png", metadata: { sku: 1 } },
        { model: "sim/image", input: { prompt: "b" }, output_path: "x/b", metadata: { tags: ["t"] } },
      ],
    });
  });

  it("come from the output_path and metadata.<name> columns of a CSV, the path as written", () => {
    const text = "prompt,output_path,metadata.sku,metadata.shelf\na,renders/007,A-1,3\nb,,,\n";
    expect(parseBatchFile(text, "p.csv")).toEqual({
      items: [
        { input: { prompt: "a" }, output_path: "renders/007", metadata: { sku: "A-1", shelf: 3 } },
        { input: { prompt: "b" } },
      ],
    });
  });

  it("are refused, naming the item, when of the wrong type", () => {
    expect(errorOf('[{"prompt": "a", "metadata": [1]}]', "p.json")).toThrow(
      'p.json item 1: "metadata" must be an object',
    );
    expect(errorOf('{"input": {"prompt": "a"}, "output_path": 3}\n', "p.jsonl")).toThrow(
      'p.jsonl line 1: "output_path" must be a non-empty string',
    );
  });
});

describe("a .jsonl batch file", () => {
  it("has an item on each non-empty line", () => {
    const text = '{"prompt": "a fox"}\r\n\n  \n{"model": "sim/text", "input": {"prompt": "hi"}}\n';
    expect(parseBatchFile(text, "p.jsonl")).toEqual({
      items: [{ input: { prompt: "a fox" } }, { model: "sim/text", input: { prompt: "hi" } }],
    });
  });

  it("names the line of an error, counting blank lines", () => {
    expect(errorOf('{"prompt": "a"}\n\n{"prompt": }\n', "p.jsonl")).toThrow(
      /^p\.jsonl line 3: not valid JSON: /,
    );
    expect(errorOf('{"prompt": "a"}\n[1]\n', "p.jsonl")).toThrow(
      "p.jsonl line 2: an item must be a JSON object",
    );
  });
});

describe("a .csv batch file", () => {
  it("has an input field a column, a model column, and values parsed like --param", () => {
    const text = '\uFEFFprompt, seed ,model,style\n"a fox, running",4,,"{""a"": 1}"\nboat,x,sim/text,\n\n';
    expect(parseBatchFile(text, "p.csv")).toEqual({
      items: [
        { input: { prompt: "a fox, running", seed: 4, style: { a: 1 } } },
        { model: "sim/text", input: { prompt: "boat", seed: "x" } },
      ],
    });
  });

  it("names the line of an error", () => {
    expect(errorOf("prompt,seed\na,1\nb\n", "p.csv")).toThrow(
      "p.csv line 3: Invalid Record Length: columns length is 2, got 1",
    );
    expect(errorOf('prompt\na\n"b\n', "p.csv")).toThrow(/^p\.csv line \d: Quote Not Closed/);
    expect(errorOf("prompt,,seed\na,b,1\n", "p.csv")).toThrow("p.csv line 1: column 2 has no name");
    expect(errorOf("prompt,seed,prompt\na,1,b\n", "p.csv")).toThrow(
      'p.csv line 1: column "prompt" appears twice',
    );
  });
});

describe("any other batch file", () => {
  it("has a prompt on each non-empty line", () => {
    expect(parseBatchFile("a red fox\r\n\n  a lighthouse  \n", "prompts.txt")).toEqual({
      items: [{ input: { prompt: "a red fox" } }, { input: { prompt: "a lighthouse" } }],
    });
  });
});

describe("every batch file", () => {
  it("is refused without items, as invalid input naming the file", () => {
    const files = [
      ["prompt,seed\n", "dir/empty.csv"],
      ["\n  \n", "prompts.txt"],
      ["[]", "p.json"],
    ] as const;
    for (const [text, file] of files) {
      expect(errorOf(text, file)).toThrow(
        expect.objectContaining({
          code: "invalid_input",
          message: `${file}: no items`,
          invalidFields: [{ type: "batch_file", field: "file", description: `${file}: no items` }],
        }),
      );
    }
  });

  it("is read by the extension of its name, in any case, whatever folder it is in", () => {
    const items = [{ input: { prompt: "a" } }];
    expect(parseBatchFile("prompt\na\n", "C:\\files.d\\P.CSV")).toEqual({ items });
    expect(parseBatchFile('{"prompt":"a"}', "in.d/p.JSONL")).toEqual({ items });
    expect(parseBatchFile("a", ".csv")).toEqual({ items });
  });
});
