/** Names for the shapes of gengate's OpenAPI document, whose types (openapi-types.ts) are generated. */
import type { components, paths } from "./openapi-types.ts";

export type { paths };

/** A schema of the document's components, such as `Schema<"Prediction">`. */
export type Schema<Name extends keyof components["schemas"]> = components["schemas"][Name];

/** The JSON a GET of `Path` answers with (200), for answers that have no schema of their own. */
export type GetAnswer<Path extends keyof paths> = paths[Path] extends {
  get: { responses: { 200: { content: { "application/json": infer Answer } } } };
}
  ? Answer
  : never;
