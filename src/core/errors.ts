/** The one error type of gengate. Providers translate their failures into it at the boundary. */
import type { StatedLimit } from "./adaptive-limit.ts";

export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  unsupported_media_type: 415,
  invalid_input: 422,
  rate_limited: 429,
  internal: 500,
  provider_error: 502,
  provider_unavailable: 503,
  timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface InvalidField {
  type: string;
  field: string;
  description: string;
}

export interface GatewayErrorOptions {
  retryable?: boolean;
  retryAfterMs?: number;
  /** A 429's: the rate limit the upstream said it holds gengate to. */
  statedLimit?: StatedLimit;
  invalidFields?: InvalidField[];
  /** What the upstream said, for logs and the prediction's error; never contains secrets. */
  providerDetail?: string;
  /**
   * The failure is gengate's own configuration, not the client's doing (a provider refused the
   * key gengate holds): the setting the operator must fix, e.g. `RUNPOD_API_KEY`.
   */
  configSetting?: string;
  /**
   * The request may have taken effect upstream although its answer was lost (a reset or a
   * timeout after it was sent): repeating it could do the work, and charge for it, twice.
   */
  outcomeUnknown?: boolean;
  /** The limit that refused the request, and whose (a token's or its tenant's). */
  refusedBy?: RefusingLimit;
  cause?: unknown;
}

export interface RefusingLimit {
  limit:
    | "scope"
    | "models"
    | "expiry"
    | "ip_ranges"
    | "requests_per_minute"
    | "predictions_in_flight"
    | "budget";
  scope: "token" | "tenant";
  id: string;
  name: string;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set([
  "rate_limited",
  "provider_error",
  "provider_unavailable",
  "timeout",
]);

export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly statedLimit: StatedLimit | undefined;
  readonly invalidFields: InvalidField[] | undefined;
  readonly providerDetail: string | undefined;
  readonly configSetting: string | undefined;
  readonly outcomeUnknown: boolean;
  readonly refusedBy: RefusingLimit | undefined;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GatewayError";
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.retryAfterMs = options.retryAfterMs;
    this.statedLimit = options.statedLimit;
    this.invalidFields = options.invalidFields;
    this.providerDetail = options.providerDetail;
    this.configSetting = options.configSetting;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
    this.refusedBy = options.refusedBy;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** Any thrown value as a GatewayError: a GatewayError as it is, anything else a non-retryable internal error. */
  static from(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new GatewayError("internal", message, { retryable: false, cause: error });
  }
}
