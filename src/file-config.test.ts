import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "./core/env-config.ts";
import { loadFileConfig } from "./file-config.ts";
import type { ProviderEnvironment } from "./providers/provider.ts";
import { createProviders, PROVIDER_IDS } from "./providers/registry.ts";

function fileWith(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "gengate-config-")), "gengate.config.json");
  writeFileSync(file, content);
  return file;
}

describe("the configuration file", () => {
  it("is optional unless named", () => {
    expect(loadFileConfig(undefined)).toEqual({ path: undefined, providers: {} });
    expect(() => loadFileConfig("/nonexistent/gengate.config.json")).toThrow(/^GENGATE_CONFIG: /);
  });

  it("names the file and the reason for broken JSON or an unknown key", () => {
    const broken = fileWith("{ nope");
    expect(() => loadFileConfig(broken)).toThrow(new RegExp(`^${broken}: not valid JSON`));
    const typo = fileWith('{"provider": {}}');
    expect(() => loadFileConfig(typo)).toThrow(ConfigError);
    expect(() => loadFileConfig(typo)).toThrow(/provider/);
  });

  it("refuses an unknown provider, naming the path and the known ones", () => {
    const file = fileWith('{"providers": {"replicat": {}}}');
    // Nothing of the environment is reached before the file's providers are checked.
    const environment = {} as ProviderEnvironment;
    expect(() => createProviders({}, environment, loadFileConfig(file))).toThrow(
      `${file}: providers.replicat: unknown provider; known providers are ${PROVIDER_IDS.join(", ")}`,
    );
  });
});
