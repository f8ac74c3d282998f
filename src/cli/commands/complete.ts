/** `gengate complete "<prompt>"`: a text model's answer, printed token by token as it arrives. */
import type { Command } from "commander";
import { addTextModelOption, temperature } from "../chat/chat-options.ts";
import { streamChat } from "../chat/chat-stream.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { positiveInteger } from "../params.ts";

interface CompleteOptions extends ClientOptions {
  model: string;
  maxTokens?: number;
  temperature?: number;
}

export function completeCommand(program: Command): void {
  const command = program
    .command("complete")
    .description("stream a text model's answer to a prompt")
    .argument("<prompt>", "the prompt");
  addTextModelOption(command)
    .option("--max-tokens <n>", "at most this many tokens", positiveInteger)
    .option("--temperature <t>", "sampling temperature, 0 to 2", temperature);
  addClientOptions(command).action(complete);
}

async function complete(prompt: string, options: CompleteOptions): Promise<void> {
  await streamChat(
    clientFrom(options),
    {
      model: options.model,
      messages: [{ role: "user", content: prompt }],
      ...(options.maxTokens !== undefined && { max_tokens: options.maxTokens }),
      ...(options.temperature !== undefined && { temperature: options.temperature }),
    },
    (text) => process.stdout.write(text),
  );
  process.stdout.write("\n");
}
