/** `gengate models list|show`: the models a running gengate serves, catalog aliases first. */
import type { Command } from "commander";
import { addClientOptions, type ClientOptions, clientFrom } from "../client-options.ts";
import { formatTable } from "../table.ts";

interface TargetJson {
  provider: string;
  model: string;
  weight?: number;
}

interface ModelJson {
  owner: string;
  name: string;
  description: string;
  gengate?: { strategy: string; fallback: string | null; targets: TargetJson[] };
}

const modelPath = (ref: string) => {
  const [owner = "", name = ""] = ref.includes("/") ? ref.split("/", 2) : ["gengate", ref];
  return `/v1/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
};

export function modelsCommand(program: Command): void {
  const models = program.command("models").description("the model catalog: aliases and provider models");

  addClientOptions(models.command("list").description("list catalog aliases and provider models")).action(
    async (options: ClientOptions) => {
      const page = await clientFrom(options).request<{ results: ModelJson[] }>("GET", "/v1/models");
      const rows = page.results.map((m) => [
        `${m.owner}/${m.name}`,
        m.gengate ? m.gengate.targets.map((t) => t.model).join(" | ") : "",
        m.gengate?.fallback ?? "",
        m.description,
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
    const model = await clientFrom(options).request("GET", modelPath(ref));
    process.stdout.write(`${JSON.stringify(model, null, 2)}\n`);
  });
}
