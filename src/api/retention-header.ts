/** `X-Gengate-Retention: <duration>`: how long this prediction's data is kept once it ends. */
import { parseRetention, RETENTION_FORMAT } from "../core/duration.ts";
import { GatewayError } from "../core/errors.ts";

export const RETENTION_HEADER = "X-Gengate-Retention";
const SHOWN_CHARACTERS = 40;

/** The retention in ms, or undefined when the header is absent. */
export function parseRetentionHeader(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const ms = parseRetention(header);
  if (ms !== undefined) return ms;
  const shown = header.length > SHOWN_CHARACTERS ? `${header.slice(0, SHOWN_CHARACTERS)}…` : header;
  const description = `${RETENTION_HEADER} must be ${RETENTION_FORMAT} (got "${shown}")`;
  throw new GatewayError("bad_request", description, {
    invalidFields: [{ type: "format", field: RETENTION_HEADER, description }],
  });
}
