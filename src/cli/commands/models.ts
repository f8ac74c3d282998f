/** `gengate models list|show`: the models a running gengate serves, catalog aliases first. */
import type { Command } from "commander";
import { answer } from "../api-client.ts";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { formatTable } from "../table.ts";

/** `owner/name`, or an alias's name alone. */
const modelOf = (ref: string) => {
  const [owner = "", name = ""] = ref.includes("/") ? ref.split("/", 2) : ["gengate", ref];
  return { owner, name };
};

export function modelsCommand(program: Command): void {
  const models = program.command("models").description("the model catalog: aliases and provider models");

  addClientOptions(models.command("list").description("list catalog aliases and provider models")).action(
    async (options: ClientOptions) => {
      const page = await answer(clientFrom(options).api.GET("/v1/models"));
      const rows = page.results.map((m) => [
        `${m.owner}/${m.name}`,
        m.gengate ? m.gengate.targets.map((t) => t.model).join(" | ") : "",
        m.gengate?.fallback ?? "",
        m.description ?? "",
      ]);
      process.stdout.write(`${formatTable(["model", "targets", "fallback", "description"], rows)}\n`);
    },
  );

  addClientOptions(
    models
      .command("show")
      .description("show a model or alias as JSON (an alias may be given without gengate/)")
      .argument("<model>"),
  ).action(async (ref: string, options: ClientOptions) => {
    const params = { path: modelOf(ref) };
    const model = await answer(clientFrom(options).api.GET("/v1/models/{owner}/{name}", { params }));
    process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
  });
}
