/** What the dashboard is given by the composition root, and what its handlers share. */
import type { KeyStore, Session } from "./session.ts";

/** The public API (`/v1`, `/openai/v1`), called in-process exactly as a remote client would call it. */
export type ApiFetch = (request: Request) => Response | Promise<Response>;

export interface WebDeps {
  api: ApiFetch;
  /** Keeps the session key, shared by every API process (the database's settings). */
  keyStore: KeyStore;
  publicUrl: string | undefined;
  /** Where output images are read when file links redirect to the blob store (STORAGE_SERVE=redirect). */
  fileOrigin?: string;
}

export type WebEnv = { Variables: { session: Session } };
