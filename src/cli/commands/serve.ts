import { flushCompileCache } from "node:module";
import type { Command } from "commander";
import { type EnvName, loadConfig } from "../../config.ts";
import { DOT_ENV, loadDotEnv } from "../dot-env.ts";
import { collectWhenIdle } from "../idle-collector.ts";

interface ServeOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  publicUrl?: string;
  logLevel?: string;
  role?: string;
}

const FLAG_ENV: Record<keyof ServeOptions, EnvName> = {
  port: "PORT",
  host: "HOST",
  dataDir: "GENGATE_DATA_DIR",
  databaseUrl: "DATABASE_URL",
  publicUrl: "PUBLIC_URL",
  logLevel: "LOG_LEVEL",
  role: "GENGATE_ROLE",
};

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description(`start the gateway (flags override the environment, which overrides ./${DOT_ENV})`)
    .option("--port <n>", "port to listen on (env PORT, default 8080; 0 picks a free one)")
    .option("--host <h>", "interface to listen on (env HOST, default 0.0.0.0)")
    .option("--data-dir <dir>", "data folder (env GENGATE_DATA_DIR, default ./data)")
    .option("--database-url <url>", "PostgreSQL URL instead of SQLite (env DATABASE_URL)")
    .option("--public-url <url>", "URL clients and providers reach this server at (env PUBLIC_URL)")
    .option("--log-level <level>", "fatal, error, warn, info, debug, trace or silent (env LOG_LEVEL)")
    .option(
      "--role <role>",
      "all (one process), api (HTTP only) or worker (runs the work); api and worker need PostgreSQL (env GENGATE_ROLE, default all)",
    )
    .action(serve);
}

async function serve(options: ServeOptions): Promise<void> {
  const overrides: Partial<Record<EnvName, string>> = {};
  for (const [flag, env] of Object.entries(FLAG_ENV)) {
    const value = options[flag as keyof ServeOptions];
    if (value !== undefined) overrides[env] = value;
  }
  const fromDotEnv = loadDotEnv();
  const config = loadConfig(process.env, overrides);
  // Loaded only here: the client commands start faster without the server's modules.
  const { startServer } = await import("../../server.ts");
  const server = await startServer(config);
  // Node writes its compile cache (bin/gengate.js) only at a clean exit; a server that is killed
  // would strip every module's types again on its next start, and the stripper costs ~25 MiB.
  flushCompileCache();
  const stopCollecting = collectWhenIdle();
  if (fromDotEnv) process.stdout.write(`settings read from ./${DOT_ENV} (the environment wins over it)\n`);
  process.stdout.write(banner(server.url, server.newAdminToken));

  let closing = false;
  const shutdown = async () => {
    if (closing) process.exit(1);
    closing = true;
    stopCollecting();
    await server.drain();
    await server.close();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

function banner(url: string, adminToken: string | undefined): string {
  const lines = [`gengate is running at ${url}`];
  if (adminToken !== undefined) {
    const rule = "=".repeat(72);
    lines.push(
      "",
      rule,
      "ADMIN TOKEN (shown only this once, save it now):",
      "",
      `  ${adminToken}`,
      "",
      "To use the gengate CLI with it:",
      `  export GENGATE_TOKEN=${adminToken}`,
      rule,
    );
  }
  return `${lines.join("\n")}\n`;
}
