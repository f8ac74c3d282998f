import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  it("has embedded defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.storage).toEqual({ driver: "file", dir: `${config.dataDir}/files` });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.retentionMs).toBeUndefined();
    expect(config.retentionSweepMs).toBe(60_000);
    expect(config.role).toBe("all");
    expect(config.metrics).toBeUndefined();
    expect(config.corsOrigins).toBeUndefined();
  });

  it("turns metrics on with a token, a port of their own (on loopback unless told), or both", () => {
    const token = "metrics-token-0123456789";
    expect(loadConfig({ GENGATE_METRICS_TOKEN: token }).metrics).toEqual({ token, listen: undefined });
    expect(loadConfig({ GENGATE_METRICS_PORT: "9464" }).metrics).toEqual({
      token: undefined,
      listen: { port: 9464, host: "127.0.0.1" },
    });
    expect(
      loadConfig({
        GENGATE_METRICS_PORT: "9464",
        GENGATE_METRICS_HOST: "0.0.0.0",
        GENGATE_METRICS_TOKEN: token,
      }).metrics,
    ).toEqual({ token, listen: { port: 9464, host: "0.0.0.0" } });
    expect(() => loadConfig({ GENGATE_METRICS_TOKEN: "short-secret" })).toThrow(
      /^GENGATE_METRICS_TOKEN: must be at least 16 characters$/,
    );
    expect(() => loadConfig({ GENGATE_METRICS_PORT: "http" })).toThrow(/^GENGATE_METRICS_PORT: /);
  });

  it("reads the CORS origins, refusing what is not an origin and naming it", () => {
    expect(
      loadConfig({ GENGATE_CORS_ORIGINS: "https://app.example.com, http://localhost:3000" }).corsOrigins,
    ).toEqual(["https://app.example.com", "http://localhost:3000"]);
    expect(loadConfig({ GENGATE_CORS_ORIGINS: "*" }).corsOrigins).toEqual(["*"]);
    for (const bad of [
      "https://app.example.com/",
      "app.example.com",
      "ftp://files.example.com",
      "https://a.example/x",
    ])
      expect(() => loadConfig({ GENGATE_CORS_ORIGINS: bad })).toThrow(
        new RegExp(
          `^GENGATE_CORS_ORIGINS: "${bad.replaceAll(".", "\\.")}" is not an origin: write scheme://host`,
        ),
      );
    expect(() => loadConfig({ GENGATE_CORS_ORIGINS: "*, https://app.example.com" })).toThrow(
      /^GENGATE_CORS_ORIGINS: \* allows every origin: write it alone/,
    );
  });

  it("reads a retention as a duration, and refuses one that is not", () => {
    expect(loadConfig({ GENGATE_RETENTION: "30d" }).retentionMs).toBe(30 * 86_400_000);
    expect(loadConfig({ GENGATE_RETENTION: "2s" }).retentionMs).toBe(2_000);
    expect(() => loadConfig({ GENGATE_RETENTION: "1 week" })).toThrow(
      /^GENGATE_RETENTION: must be a duration from 1s to 3650d/,
    );
    expect(() => loadConfig({ GENGATE_RETENTION_SWEEP_SECONDS: "0" })).toThrow(
      /^GENGATE_RETENTION_SWEEP_SECONDS: /,
    );
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

  it("reads where files are stored and how their links work", () => {
    const config = loadConfig({
      STORAGE_URL: "azblob://outputs/gg",
      AZURE_STORAGE_CONNECTION_STRING: "AccountName=a;AccountKey=k",
      STORAGE_SERVE: "redirect",
      GENGATE_LINK_TTL: "2h",
    });
    expect(config.storage).toEqual({
      driver: "azblob",
      container: "outputs",
      prefix: "gg/",
      credentials: { connectionString: "AccountName=a;AccountKey=k" },
    });
    expect([config.storageServe, config.linkTtlMs, config.publicFiles]).toEqual([
      "redirect",
      7_200_000,
      false,
    ]);
    expect(loadConfig({}).linkTtlMs).toBe(24 * 3_600_000);
    expect(() => loadConfig({ STORAGE_URL: "gs://bucket" })).toThrow(
      /^STORAGE_URL: must be a URL starting with file:/,
    );
    expect(() => loadConfig({ STORAGE_SERVE: "proxy" })).toThrow(
      /^STORAGE_SERVE: must be stream or redirect/,
    );
    expect(() => loadConfig({ GENGATE_LINK_TTL: "soon" })).toThrow(/^GENGATE_LINK_TTL: must be a duration/);
    expect(() => loadConfig({ STORAGE_URL: "s3://b", AWS_SECRET_ACCESS_KEY: "hunter2hunter2" })).toThrow(
      /^AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: set both, or neither$/,
    );
  });
});
