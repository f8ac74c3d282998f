/**
 * Checks an S3 presigned URL (AWS Signature Version 4, query form) by computing its signature
 * again from the known test credentials, as S3 does: s3rver does not check them itself.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
 */
import { createHash, createHmac } from "node:crypto";

const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");
/** RFC 3986 encoding, as SigV4 wants it. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export interface PresignedCheck {
  /** The signature matches the URL. */
  valid: boolean;
  /** When it was signed (ms) and for how long (s). */
  signedAt: number;
  expiresInSeconds: number;
  credentialScope: string;
}

export function checkPresignedUrl(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
): PresignedCheck {
  const parsed = new URL(url);
  const query = parsed.searchParams;
  const amzDate = query.get("X-Amz-Date") ?? "";
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const canonicalQuery = [...query.entries()]
    .filter(([name]) => name !== "X-Amz-Signature")
    .map(([name, value]) => [encode(name), encode(value)])
    .sort(([a = ""], [b = ""]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const signedHeaders = query.get("X-Amz-SignedHeaders") ?? "";
  const headers = signedHeaders === "host" ? `host:${parsed.host}\n` : "";
  const canonicalRequest = [
    "GET",
    parsed.pathname,
    canonicalQuery,
    headers,
    signedHeaders,
    "UNSIGNED-PAYLOAD",
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  const iso = amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z");
  return {
    valid:
      query.get("X-Amz-Algorithm") === "AWS4-HMAC-SHA256" &&
      query.get("X-Amz-Credential") === `${credentials.accessKeyId}/${scope}` &&
      query.get("X-Amz-Signature") === signature,
    signedAt: Date.parse(iso),
    expiresInSeconds: Number(query.get("X-Amz-Expires")),
    credentialScope: scope,
  };
}
