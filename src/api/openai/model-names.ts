/**
 * OpenAI's model names mapped to gengate's, from the configuration file's `openai.models`
 * (`{ "gpt-4o": "llama-3-8b-instruct", "dall-e-3": "flux-dev" }`), so an app written for OpenAI
 * changes only its base URL. Answers still carry the name the client sent.
 */
import { z } from "zod";
import type { Catalog } from "../../catalog/catalog.ts";
import { ConfigError, parseSettings } from "../../core/env-config.ts";
import { loraNameOf } from "../../core/lora.ts";
import { aliasNamed } from "./models.ts";

const settingsSchema = z
  .strictObject({
    /** OpenAI's name → a catalog alias, `owner/name[:version]` or `lora:<name>`. */
    models: z
      .record(z.string().min(1), z.string().min(1, "name the alias or model it stands for"))
      .default({}),
  })
  .default({ models: {} });

export class ModelNames {
  readonly #names: ReadonlyMap<string, string>;

  constructor(names: Record<string, string> = {}) {
    this.#names = new Map(Object.entries(names));
  }

  /** The gengate model `name` stands for: itself when it is not mapped. */
  resolve(name: string): string {
    return this.#names.get(name) ?? name;
  }

  /** Each mapped name and the model it stands for. */
  entries(): [string, string][] {
    return [...this.#names];
  }
}

/** The `openai` section of the configuration file; a name mapped to nothing gengate knows is refused at start. */
export function loadModelNames(section: unknown, file: string, catalog: Catalog): ModelNames {
  const { models } = parseSettings(settingsSchema, section, file, "openai");
  for (const [name, target] of Object.entries(models)) {
    const known = aliasNamed(target, catalog) || target.includes("/") || loraNameOf(target) !== undefined;
    if (!known) {
      throw new ConfigError(
        `${file}: openai.models.${name}: no alias "${target}"; name an alias of the catalog, a model as owner/name, or lora:<name>`,
      );
    }
  }
  return new ModelNames(models);
}
