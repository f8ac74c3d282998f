import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("has embedded defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.filesDir).toBe(`${config.dataDir}/files`);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.role).toBe("all");
  });

  it("runs the api and worker roles on PostgreSQL only, saying why", () => {
    const pg = "postgres://db/gengate";
    expect(loadConfig({ GENGATE_ROLE: "api", DATABASE_URL: pg }).role).toBe("api");
    expect(loadConfig({ DATABASE_URL: pg }, { GENGATE_ROLE: "worker" }).role).toBe("worker");
    for (const role of ["api", "worker"]) {
      expect(() => loadConfig({ GENGATE_ROLE: role })).toThrow(ConfigError);
      expect(() => loadConfig({ GENGATE_ROLE: role })).toThrow(
        new RegExp(
          `^GENGATE_ROLE: the ${role} role needs DATABASE_URL \\(PostgreSQL\\): .*a SQLite file serves a single process`,
        ),
      );
    }
    expect(() => loadConfig({ GENGATE_ROLE: "both" })).toThrow(/^GENGATE_ROLE: /);
  });

  it("lets flags override the environment, but not with unset flags", () => {
    expect(loadConfig({ PORT: "9000" }, { PORT: "9100" }).port).toBe(9100);
    expect(loadConfig({ PORT: "9000" }, { PORT: undefined }).port).toBe(9000);
  });

  it("stops on a bad value naming the variable, without echoing secrets of other variables", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/^PORT: /);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(
      /^DATABASE_URL: must be a URL starting with postgres:/,
    );
    expect(() => loadConfig({ PUBLIC_URL: "gengate.example.com" })).toThrow(/^PUBLIC_URL: /);
    expect(() => loadConfig({ GENGATE_ADMIN_TOKEN: "short" })).toThrow(
      /^GENGATE_ADMIN_TOKEN: must be at least 16/,
    );
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/^LOG_LEVEL: /);
  });

  it("never repeats a secret in its error", () => {
    expect(() => loadConfig({ GENGATE_ADMIN_TOKEN: "short" })).toThrow(/^GENGATE_ADMIN_TOKEN: [^"]*$/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://user:hunter2@db" })).toThrow(
      /^DATABASE_URL: must be a URL starting with postgres:\/\/ or postgresql:\/\/$/,
    );
  });
});
