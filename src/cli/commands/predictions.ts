import type { Command } from "commander";
import { answer } from "../api-client.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { positiveInteger } from "../params.ts";
import { formatTable } from "../table.ts";

interface ListOptions extends ClientOptions {
  limit: number;
}

export function predictionsCommand(program: Command): void {
  const predictions = program.command("predictions").description("list, show and cancel predictions");

  addClientOptions(
    predictions
      .command("list")
      .description("list recent predictions, newest first")
      .option("--limit <n>", "how many to show", positiveInteger, 20),
  ).action(async (options: ListOptions) => {
    const client = clientFrom(options);
    const rows = await client.collect(await answer(client.api.GET("/v1/predictions")), options.limit);
    const cells = rows.map((p) => [p.id, p.model, p.status, p.created_at]);
    process.stdout.write(`${formatTable(["id", "model", "status", "created_at"], cells)}\n`);
  });

  addClientOptions(
    predictions.command("get").description("show a prediction as JSON").argument("<id>"),
  ).action(async (id: string, options: ClientOptions) => {
    const params = { path: { id } };
    const prediction = await answer(clientFrom(options).api.GET("/v1/predictions/{id}", { params }));
    process.stdout.write(`${JSON.stringify(prediction, null, 2)}\n`);
  });

  addClientOptions(predictions.command("cancel").description("cancel a prediction").argument("<id>")).action(
    async (id: string, options: ClientOptions) => {
      const params = { path: { id } };
      const prediction = await answer(
        clientFrom(options).api.POST("/v1/predictions/{id}/cancel", { params }),
      );
      process.stdout.write(`${prediction.status}\n`);
    },
  );
}
