/** Data URLs (RFC 2397) as file inputs: decoded strictly, so a malformed one is refused where it is named. */
import { GatewayError } from "./errors.ts";

const DATA_URL = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export interface DecodedDataUrl {
  data: Buffer;
  contentType: string;
}

/** Why `url` is not a data URL gengate can read, or undefined when it is one. */
function problemOf(url: string): { problem: string } | DecodedDataUrl {
  const match = DATA_URL.exec(url);
  if (!match) return { problem: "is not a data URL (data:[<type>][;base64],<data>)" };
  const [, type = "", params = "", payload = ""] = match;
  let data: Buffer;
  if (params.split(";").includes("base64")) {
    const compact = payload.replace(/\s+/g, "");
    if (!BASE64.test(compact)) return { problem: "is a data URL whose base64 is not valid" };
    data = Buffer.from(compact, "base64");
  } else {
    try {
      data = Buffer.from(decodeURIComponent(payload), "utf8");
    } catch {
      return { problem: "is a data URL whose percent-encoding is not valid" };
    }
  }
  if (data.length === 0) return { problem: "is a data URL that holds no bytes" };
  return { data, contentType: type || "application/octet-stream" };
}

export function isDataUrl(value: string): boolean {
  return value.startsWith("data:");
}

/** The bytes of a data URL; a 422 naming `field` (or the URL, when unnamed) when it is malformed or empty. */
export function decodeDataUrl(url: string, field?: string): DecodedDataUrl {
  const decoded = problemOf(url);
  if ("data" in decoded) return decoded;
  const description = `${field ?? "input file"} ${decoded.problem}`;
  throw new GatewayError("invalid_input", description, {
    ...(field !== undefined && { invalidFields: [{ type: "format", field, description }] }),
  });
}

/**
 * Whether a file input may be readable: a well-formed, non-empty data URL, or a well-formed URL
 * that is not a `file:` one (never gengate's to read; providers may have schemes of their own).
 */
export function isUsableFileUrl(value: string): boolean {
  if (isDataUrl(value)) return "data" in problemOf(value);
  const url = URL.parse(value);
  return url !== null && url.protocol !== "file:";
}
