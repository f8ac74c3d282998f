import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Engine } from "../engine/engine.ts";
import type { Retention } from "../engine/retention.ts";
import type { BlobStorage } from "../storage/blob-storage.ts";
import type { FileLinks } from "../storage/file-links.ts";
import type { Store } from "../store/index.ts";
import type { AuthVariables } from "./auth.ts";
import type { EdgeOptions } from "./http-edge.ts";
import type { ModelNames } from "./openai/model-names.ts";
import type { OperatorDeps } from "./operator-routes.ts";

export interface ApiDeps {
  engine: Engine;
  retention: Retention;
  store: Store;
  storage: BlobStorage;
  /** Signs (or, with public files, just builds) the links to stored files. */
  links: FileLinks;
  config: Config;
  logger: Logger;
  /** What `/health` and `/metrics` report. */
  operator: OperatorDeps;
  /** Request metrics, security headers and CORS, on every answer. */
  edge: EdgeOptions;
  /** OpenAI's model names the OpenAI-compatible API maps to gengate's. */
  openAiModels: ModelNames;
}

export type ApiEnv = { Variables: AuthVariables };
