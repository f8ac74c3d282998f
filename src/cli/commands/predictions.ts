import type { Command } from "commander";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { positiveInteger } from "../params.ts";
import type { PageJson, PredictionJson } from "../prediction-json.ts";
import { formatTable } from "../table.ts";

interface ListOptions extends ClientOptions {
  limit: number;
}

const predictionPath = (id: string) => `/v1/predictions/${encodeURIComponent(id)}`;

export function predictionsCommand(program: Command): void {
  const predictions = program.command("predictions").description("list, show and cancel predictions");

  addClientOptions(
    predictions
      .command("list")
      .description("list recent predictions, newest first")
      .option("--limit <n>", "how many to show", positiveInteger, 20),
  ).action(async (options: ListOptions) => {
    const client = clientFrom(options);
    const rows: PredictionJson[] = [];
    let next: string | null = "/v1/predictions";
    while (next !== null && rows.length < options.limit) {
      const page: PageJson<PredictionJson> = await client.request("GET", next);
      rows.push(...page.results);
      next = page.next;
    }
    const cells = rows.slice(0, options.limit).map((p) => [p.id, p.model, p.status, p.created_at]);
    process.stdout.write(`${formatTable(["id", "model", "status", "created_at"], cells)}\n`);
  });

  addClientOptions(
    predictions.command("get").description("show a prediction as JSON").argument("<id>"),
  ).action(async (id: string, options: ClientOptions) => {
    const prediction = await clientFrom(options).request("GET", predictionPath(id));
    process.stdout.write(`${JSON.stringify(prediction, null, 2)}\n`);
  });

  addClientOptions(predictions.command("cancel").description("cancel a prediction").argument("<id>")).action(
    async (id: string, options: ClientOptions) => {
      const prediction = await clientFrom(options).request<PredictionJson>(
        "POST",
        `${predictionPath(id)}/cancel`,
      );
      process.stdout.write(`${prediction.status}\n`);
    },
  );
}
