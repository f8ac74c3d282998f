import type { Command } from "commander";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { collectParam } from "../params.ts";
import { runAndSave } from "../run-and-save.ts";
import { checkInput, inputUrl, toolOutputFiles } from "../tool/tool-files.ts";
import { toolModel } from "../tool/tool-model.ts";

interface ToolOptions extends ClientOptions {
  param?: Record<string, unknown>;
  mask?: string;
  output?: string;
}

const HELP = `
Tools: remove-background, upscale, restore-face, inpaint, colorize (the catalog's aliases
gengate/<name>; \`gengate models list\` shows them all). A name with a slash is any model:
local/upscale, owner/name or owner/name:version.

A local input file (and mask) is uploaded with POST /v1/files; an http(s) URL is passed as is.
An alias gets the image as its reference_image input, any other model as image; the mask goes
in mask. --param adds the model's other inputs (--param scale=4, --param prompt="…").

Without -o, outputs are saved in the current folder as <input name>-<tool>.<ext>
(photo.jpg through upscale: photo-upscale.png), numbered <input name>-<tool>_1.<ext>, _2…
when there are several; existing files are overwritten. The saved paths are printed.

Examples:
  gengate tool upscale photo.jpg
  gengate tool remove-background photo.jpg -o cutout.png
  gengate tool inpaint room.png --mask mask.png --param prompt="a red sofa"
  gengate tool local/upscale photo.jpg --param scale=2`;

export function toolCommand(program: Command): void {
  const command = program
    .command("tool")
    .description("run an image tool (upscale, remove-background, …) on an image file and save the result")
    .argument("<name>", 'a tool ("upscale" is the alias gengate/upscale) or a model: "owner/name[:version]"')
    .argument("<input-file>", "the image: a local file (uploaded) or an http(s) URL")
    .option("--mask <file>", "a mask image (file or URL), for tools that take one: white is repainted")
    .option("--param <key=value>", "another input (repeatable); JSON values are parsed", collectParam)
    .option(
      "-o, --output <file>",
      "where to save the output (several outputs: <file>_1.<ext>, …; default: <input name>-<tool>.<ext>)",
    )
    .addHelpText("after", HELP);
  addClientOptions(command).action(tool);
}

async function tool(name: string, inputFile: string, options: ToolOptions): Promise<void> {
  const model = toolModel(name);
  await checkInput(inputFile, "input");
  if (options.mask !== undefined) await checkInput(options.mask, "mask");
  const client = clientFrom(options);

  const input: Record<string, unknown> = { ...options.param };
  input[model.imageField] = await inputUrl(client, inputFile);
  if (options.mask !== undefined) input.mask = await inputUrl(client, options.mask);
  await runAndSave(client, model.ref, input, (urls) =>
    toolOutputFiles(urls, inputFile, model.label, options.output),
  );
}
