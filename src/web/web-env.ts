/** What the dashboard is given by the composition root, and what its handlers share. */
import type { ApiFetch } from "../api/api-fetch.ts";
import type { KeyStore, Session } from "./session.ts";

export type { ApiFetch };

export interface WebDeps {
  api: ApiFetch;
  /** Keeps the session key, shared by every API process (the database's settings). */
  keyStore: KeyStore;
  publicUrl: string | undefined;
  /** Where output images are read when file links redirect to the blob store (STORAGE_SERVE=redirect). */
  fileOrigin?: string;
}

export type WebEnv = { Variables: { session: Session } };
