/** Building blocks of the OpenAPI document. */

export const json = (schema: object) => ({ "application/json": { schema } });
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ref("Problem") } },
});
export const errors = {
  "400": problemResponse("Malformed request (bad JSON, bad header)"),
  "401": problemResponse("Missing or invalid token"),
  "404": problemResponse("Not found"),
  "413": problemResponse("Body too large"),
  "422": problemResponse("Invalid input; `invalid_fields` names each field"),
};
export const idParam = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });
export const page = (item: string) => ({
  type: "object",
  required: ["next", "previous", "results"],
  properties: {
    next: { type: ["string", "null"] },
    previous: { type: ["string", "null"] },
    results: { type: "array", items: ref(item) },
  },
});

/** `X-Gengate-Retention`, on the endpoints that create predictions. */
export const retentionHeader = {
  name: "X-Gengate-Retention",
  in: "header",
  schema: { type: "string", pattern: "^[0-9]{1,9}[smhd]$" },
  description:
    "How long each prediction's input, output, logs and files are kept once it ends, such as `2s`, `15m`, `1h` or `30d` (1 s to 3650 d); instead of the gateway's `GENGATE_RETENTION`.",
};
