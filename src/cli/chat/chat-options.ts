/** The options `gengate complete` and `gengate chat` share. */
import { type Command, InvalidArgumentError } from "commander";

const DEFAULT_TEXT_MODEL = "sim/text";

export function addTextModelOption(command: Command): Command {
  return command.option(
    "--model <model>",
    `text model: an alias ("llama-3-8b-instruct") or a model reference ("owner/name")`,
    DEFAULT_TEXT_MODEL,
  );
}

export function temperature(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !(value >= 0 && value <= 2))
    throw new InvalidArgumentError("must be a number from 0 to 2");
  return value;
}
