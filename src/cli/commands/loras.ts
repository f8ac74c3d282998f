/** `gengate loras list|show|cancel|delete`: the LoRAs `gengate train` made. */
import type { Command } from "commander";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import type { PageJson } from "../prediction-json.ts";
import { formatTable } from "../table.ts";
import { type LoraJson, loraPath } from "../training/lora-json.ts";

export function lorasCommand(program: Command): void {
  const loras = program.command("loras").description("list, show, cancel and delete LoRAs");

  addClientOptions(loras.command("list").description("list LoRAs, newest first")).action(
    async (options: ClientOptions) => {
      const client = clientFrom(options);
      const all: LoraJson[] = [];
      for (let next: string | null = "/v1/loras"; next !== null; ) {
        const page: PageJson<LoraJson> = await client.request("GET", next);
        all.push(...page.results);
        next = page.next;
      }
      const rows = all.map((l) => [l.name, l.status, l.trigger_word, l.version ?? "-", l.created_at]);
      process.stdout.write(`${formatTable(["name", "status", "trigger", "version", "created"], rows)}\n`);
    },
  );

  addClientOptions(loras.command("show").description("show a LoRA as JSON").argument("<id|name>")).action(
    async (ref: string, options: ClientOptions) => {
      const lora = await clientFrom(options).request("GET", loraPath(ref));
      process.stdout.write(`${JSON.stringify(lora, null, 2)}\n`);
    },
  );

  addClientOptions(
    loras.command("cancel").description("stop a LoRA's training").argument("<id|name>"),
  ).action(async (ref: string, options: ClientOptions) => {
    const lora = await clientFrom(options).request<LoraJson>("POST", `${loraPath(ref)}/cancel`);
    process.stdout.write(`${lora.status}\n`);
  });

  addClientOptions(
    loras
      .command("delete")
      .description("delete a LoRA, canceling it first (the trained model stays with the provider)")
      .argument("<id|name>"),
  ).action(async (ref: string, options: ClientOptions) => {
    await clientFrom(options).send("DELETE", loraPath(ref));
    process.stdout.write(`deleted lora ${ref}\n`);
  });
}
