/** Errors about uploaded training photos: each is on the `photos` field and names the file at fault. */
import { type ErrorCode, GatewayError } from "../../../core/errors.ts";

export function photoError(
  code: ErrorCode,
  type: string,
  description: string,
  cause?: unknown,
): GatewayError {
  return new GatewayError(code, `photos: ${description}`, {
    invalidFields: [{ type, field: "photos", description }],
    ...(cause !== undefined && { cause }),
  });
}

/** A byte count for people: `512 bytes`, `300 KiB`, `20 MiB`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 2 ** 10) return `${bytes} bytes`;
  const [value, unit] = bytes < 2 ** 20 ? [bytes / 2 ** 10, "KiB"] : [bytes / 2 ** 20, "MiB"];
  return `${Number(value.toFixed(1))} ${unit}`;
}

export function fileTooLarge(original: string, bytes: number, maxBytes: number): GatewayError {
  return photoError(
    "payload_too_large",
    "size",
    `"${original}" is ${formatBytes(bytes)}, over the ${formatBytes(maxBytes)} a file may be`,
  );
}
