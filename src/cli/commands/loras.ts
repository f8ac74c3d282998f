/** `gengate loras list|show|cancel|delete`: the LoRAs `gengate train` made. */
import type { Command } from "commander";
import { answer } from "../api-client.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { formatTable } from "../table.ts";

const loraParams = (ref: string) => ({ params: { path: { id: ref } } });

export function lorasCommand(program: Command): void {
  const loras = program.command("loras").description("list, show, cancel and delete LoRAs");

  addClientOptions(loras.command("list").description("list LoRAs, newest first")).action(
    async (options: ClientOptions) => {
      const client = clientFrom(options);
      const all = await client.collect(await answer(client.api.GET("/v1/loras")));
      const rows = all.map((l) => [l.name, l.status, l.trigger_word, l.version ?? "-", l.created_at]);
      process.stdout.write(`${formatTable(["name", "status", "trigger", "version", "created"], rows)}\n`);
    },
  );

  addClientOptions(loras.command("show").description("show a LoRA as JSON").argument("<id|name>")).action(
    async (ref: string, options: ClientOptions) => {
      const lora = await answer(clientFrom(options).api.GET("/v1/loras/{id}", loraParams(ref)));
      process.stdout.write(`${JSON.stringify(lora, null, 2)}\n`);
    },
  );

  addClientOptions(
    loras.command("cancel").description("stop a LoRA's training").argument("<id|name>"),
  ).action(async (ref: string, options: ClientOptions) => {
    const lora = await answer(clientFrom(options).api.POST("/v1/loras/{id}/cancel", loraParams(ref)));
    process.stdout.write(`${lora.status}\n`);
  });

  addClientOptions(
    loras
      .command("delete")
      .description("delete a LoRA, canceling it first (the trained model stays with the provider)")
      .argument("<id|name>"),
  ).action(async (ref: string, options: ClientOptions) => {
    await clientFrom(options).api.DELETE("/v1/loras/{id}", loraParams(ref));
    process.stdout.write(`deleted lora ${ref}\n`);
  });
}
