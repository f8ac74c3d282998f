/** The public API (`/v1`, `/openai/v1`), called in-process exactly as a remote client would call it. */
export type ApiFetch = (request: Request) => Response | Promise<Response>;
