/**
 * `gengate init`: a new user's set-up in the working directory. Asks for the provider keys (or takes
 * them as flags), tests each against its provider, writes `.env` (mode 600) with them and an admin
 * token, adds the provider sections the configuration file needs, and points the CLI at the server.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { newApiToken } from "../../core/api-tokens.ts";
import { DEFAULT_CONFIG_FILE, type FileConfig, loadFileConfig } from "../../file-config.ts";
import { cliConfigPath, rememberCliConfig } from "../cli-config.ts";
import { CliError } from "../cli-error.ts";
import { DOT_ENV } from "../dot-env.ts";
import { readEnvFile, withValues } from "../init/env-file.ts";
import { createPrompter, type Prompter } from "../init/prompter.ts";
import { type AnswerOptions, flagOf, PROVIDER_SETUPS, type ProviderSetup } from "../init/provider-setups.ts";
import { tryProvider } from "../init/try-provider.ts";
import { writePrivateFile } from "../private-file.ts";

interface InitOptions extends AnswerOptions {
  port?: string;
  envFile: string;
  /** false with --no-input: nothing is asked. */
  input: boolean;
  /** false with --no-check: keys are saved untested. */
  check: boolean;
}

/** What was chosen for one provider. */
interface Chosen {
  key: string;
  section?: Record<string, unknown>;
}

const DEFAULT_PORT = "8080";

export function initCommand(program: Command): void {
  program
    .command("init")
    .description(
      `set up gengate in this folder: asks for the provider keys, tests them, writes ./${DOT_ENV} (mode 600) ` +
        "with them and an admin token, and points the CLI at the server",
    )
    .option("--replicate-token <token>", "Replicate API token (not asked then)")
    .option("--fal-key <key>", "fal key (not asked then)")
    .option("--fal-apps <list>", "fal apps to serve, comma-separated app ids or name=app id")
    .option("--runpod-key <key>", "RunPod API key (not asked then)")
    .option("--runpod-endpoints <list>", "RunPod endpoints, comma-separated name=endpointId:worker")
    .option("--port <n>", `port gengate serve will listen on (default ${DEFAULT_PORT})`)
    .option("--env-file <path>", "the file to write", DOT_ENV)
    .option("--no-input", "ask nothing: take only the flags (for scripts)")
    .option("--no-check", "save the keys without testing them against the providers")
    .action(init);
}

async function init(options: InitOptions): Promise<void> {
  const envFile = readEnvFile(resolve(options.envFile));
  const configPath = resolve(
    process.env.GENGATE_CONFIG ?? envFile.values.GENGATE_CONFIG ?? DEFAULT_CONFIG_FILE,
  );
  const fileConfig: FileConfig = existsSync(configPath)
    ? loadFileConfig(configPath)
    : { path: configPath, providers: {} };
  // The port a `gengate serve` started here listens on: the flag's, else the shell's, else .env's.
  const [port, portSource] =
    options.port !== undefined
      ? [options.port, "--port"]
      : process.env.PORT
        ? [process.env.PORT, "PORT in this shell"]
        : [envFile.values.PORT ?? DEFAULT_PORT, `PORT in ${DOT_ENV}`];
  checkPort(port, portSource);
  const prompter = options.input ? createPrompter() : undefined;
  const chosen = new Map<ProviderSetup, Chosen>();
  try {
    for (const setup of PROVIDER_SETUPS) {
      const choice = await chooseProvider(setup, options, { envFile: envFile.values, fileConfig, prompter });
      if (choice) chosen.set(setup, choice);
    }
  } finally {
    prompter?.close();
  }

  const adminToken = envFile.values.GENGATE_ADMIN_TOKEN ?? newApiToken();
  const changes: Record<string, string> = {
    ...Object.fromEntries([...chosen].map(([setup, { key }]) => [setup.variable, key])),
    ...(envFile.values.GENGATE_ADMIN_TOKEN === undefined && { GENGATE_ADMIN_TOKEN: adminToken }),
    ...(options.port !== undefined && { PORT: options.port }),
  };
  writePrivateFile(envFile.path, withValues(envFile.text, changes));
  const sections = [...chosen].flatMap(([setup, { section }]) =>
    section ? [[setup.id, section] as const] : [],
  );
  if (sections.length > 0) writeSections(configPath, Object.fromEntries(sections));
  const url = `http://localhost:${port}`;
  rememberCliConfig({ url, token: adminToken });

  const lines = [`wrote ${envFile.path} (mode 600): ${Object.keys(changes).join(", ") || "nothing new"}`];
  if (sections.length > 0)
    lines.push(`wrote ${configPath}: ${sections.map(([id]) => `providers.${id}`).join(", ")}`);
  lines.push(
    `the CLI will talk to ${url} with the admin token (remembered in ${cliConfigPath()})`,
    "next: `gengate serve` in this folder, then `gengate providers check` from any shell",
  );
  process.stdout.write(`${lines.join("\n")}\n`);
  for (const name of Object.keys(changes).filter((name) => shellOverrides(name, changes[name]))) {
    process.stderr.write(
      `gengate: warning: ${name} is set in this shell with another value, and wins over ${DOT_ENV} for a gengate serve started from it\n`,
    );
  }
}

function checkPort(text: string, source: string): void {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new CliError(`${source}: must be a whole number from 1 to 65535 (got ${JSON.stringify(text)})`);
}

function shellOverrides(name: string, value: string | undefined): boolean {
  const shell = process.env[name];
  return shell !== undefined && shell !== "" && shell !== value;
}

interface Context {
  envFile: Record<string, string>;
  fileConfig: FileConfig;
  prompter: Prompter | undefined;
}

/** The key (and configuration section) for one provider, tested; undefined when it is skipped. */
async function chooseProvider(
  setup: ProviderSetup,
  options: InitOptions,
  { envFile, fileConfig, prompter }: Context,
): Promise<Chosen | undefined> {
  const flagged = options[setup.option];
  const hasKey = envFile[setup.variable] !== undefined;
  for (;;) {
    const key =
      flagged ??
      (await prompter?.ask(`${setup.label} (${hasKey ? "blank keeps the current one" : "blank to skip"}): `, {
        secret: true,
      }));
    if (!key) return undefined;
    const section = await modelsSection(setup, options, fileConfig, prompter);
    if (section === null) return undefined;
    const env = { ...envFile, ...process.env, [setup.variable]: key };
    const providers = { ...fileConfig.providers, ...(section && { [setup.id]: section }) };
    const trial = await tryProvider(setup.id, env, { ...fileConfig, providers }, { check: options.check });
    if (trial.ok) {
      process.stderr.write(`${setup.id}: ${trial.detail}\n`);
      return { key, ...(section && { section }) };
    }
    const refusal = `${setup.id}: ${trial.reason}`;
    if (flagged !== undefined || !prompter) {
      const hint = trial.byCheck ? " (--no-check saves keys untested)" : "";
      throw new CliError(`${refusal}; nothing was written${hint}`);
    }
    process.stderr.write(`${refusal}; try again, or leave it blank to skip ${setup.id}\n`);
  }
}

/**
 * The section to add to the configuration file: undefined when none is needed (the provider takes
 * none, or the file has one), null when the user left it blank, which skips the provider.
 */
async function modelsSection(
  setup: ProviderSetup,
  options: InitOptions,
  fileConfig: FileConfig,
  prompter: Prompter | undefined,
): Promise<Record<string, unknown> | null | undefined> {
  const models = setup.models;
  if (!models || fileConfig.providers[setup.id] !== undefined) return undefined;
  const flagged = options[models.option];
  for (;;) {
    const answer = flagged ?? (await prompter?.ask(models.question)) ?? "";
    const chosen = answer || models.defaultAnswer;
    if (!chosen) {
      const needed = `${setup.id} needs its models listed (${flagOf(models.option)}, or providers.${setup.id} in ${DEFAULT_CONFIG_FILE})`;
      if (!prompter) throw new CliError(`${needed}; nothing was written`);
      process.stderr.write(`${needed}: skipping ${setup.id}\n`);
      return null;
    }
    try {
      return models.section(chosen);
    } catch (error) {
      if (!(error instanceof CliError) || flagged !== undefined || !prompter) throw error;
      process.stderr.write(`${error.message}; try again\n`);
    }
  }
}

/** Adds `sections` under `providers` of the configuration file, keeping the rest of it. */
function writeSections(path: string, sections: Record<string, Record<string, unknown>>): void {
  const file = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : {};
  const providers = { ...(file.providers as Record<string, unknown> | undefined), ...sections };
  writePrivateFile(path, `${JSON.stringify({ ...file, providers }, null, 2)}\n`);
}
