/**
 * `gengate chat`: an interactive chat in the terminal. Each answer streams as it is written, and
 * the whole conversation goes with every question; `/exit`, Ctrl-D or Ctrl-C ends it.
 */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { addTextModelOption } from "../chat/chat-options.ts";
import { type ChatTurn, streamChat } from "../chat/chat-stream.ts";
import { CliError } from "../cli-error.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";

interface ChatOptions extends ClientOptions {
  model: string;
  system?: string;
}

export function chatCommand(program: Command): void {
  const command = program.command("chat").description("chat with a text model in the terminal");
  addTextModelOption(command).option("--system <text>", "a system prompt that sets how the model answers");
  addClientOptions(command).action(chat);
}

async function chat(options: ChatOptions): Promise<void> {
  const client = clientFrom(options);
  const messages: ChatTurn[] = options.system ? [{ role: "system", content: options.system }] : [];
  const lines = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
  // Input that ends (Ctrl-D, a pipe) closes the interface; the lines it had are still read.
  let open = true;
  lines.once("close", () => {
    open = false;
  });
  lines.prompt();
  for await (const line of lines) {
    const question = line.trim();
    if (question === "/exit") break;
    if (question !== "") {
      messages.push({ role: "user", content: question });
      try {
        const answer = await streamChat(client, { model: options.model, messages }, (text) =>
          process.stdout.write(text),
        );
        messages.push({ role: "assistant", content: answer });
        process.stdout.write("\n");
      } catch (error) {
        // A failed turn is left out of the conversation, which goes on.
        if (!(error instanceof CliError)) throw error;
        messages.pop();
        process.stderr.write(`\ngengate: ${error.message}\n`);
      }
    }
    if (open) lines.prompt();
  }
  lines.close();
}
