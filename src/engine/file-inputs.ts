/**
 * A prediction's file inputs, settled before it is stored. Links to gengate's uploads must be the
 * client's own (or an admin's) and live, whatever host they name; data URLs are stored as
 * uploads of the client's token and replaced by their `/v1/files/<id>` links, so rows, list
 * pages and webhooks carry a link instead of the bytes. Only file fields count (a prompt that
 * starts with "data:" stays text), and nothing is stored until the whole request is accepted:
 * `check` when a prediction is prepared, `store` before it is written. A model whose schema names
 * no fields keeps its data URLs as sent.
 */
import { decodeDataUrl, isDataUrl } from "../core/data-url.ts";
import { GatewayError } from "../core/errors.ts";
import type { FileFields } from "../core/file-fields.ts";
import { mapLeaves } from "../core/output.ts";
import type { Prediction } from "../core/prediction.ts";
import { type Uploads, uploadIdOf } from "./uploads.ts";

export interface StoredInputs {
  prediction: Prediction;
  /** Each data URL stored, and the link that replaced it (to rewrite copies of the same input). */
  links: Map<string, string>;
}

/** Each string in the file fields of `input`, with the field holding it. */
function fileStrings(input: Record<string, unknown>, fields: FileFields): [field: string, value: string][] {
  const found: [string, string][] = [];
  const visit = (field: string, value: unknown) => {
    if (typeof value === "string") found.push([field, value]);
    else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(`${field}.${i}`, item);
    }
  };
  for (const [field, value] of Object.entries(input)) {
    if (fields === "any" || fields.has(field)) visit(field, value);
  }
  return found;
}

export class FileInputs {
  private readonly uploads: Uploads;
  private readonly baseUrl: () => string;
  /** The data URLs found in each prepared prediction's file fields, with the field holding each. */
  private readonly dataUrls = new WeakMap<Prediction, Map<string, string>>();

  constructor(uploads: Uploads, baseUrl: () => string) {
    this.uploads = uploads;
    this.baseUrl = baseUrl;
  }

  /** Refuses links to uploads the prediction's token may not read; notes its data URLs for `store`. */
  async check(prediction: Prediction, fields: FileFields): Promise<void> {
    const dataUrls = new Map<string, string>();
    for (const [field, value] of fileStrings(prediction.input, fields)) {
      if (isDataUrl(value)) {
        // Without a schema, a field may hold text that only looks like a data URL: it stays as sent.
        if (fields !== "any") dataUrls.set(value, field);
        continue;
      }
      const uploadId = uploadIdOf(value);
      if (uploadId === undefined || !(await this.uploads.exists(uploadId))) continue;
      if (!(await this.uploads.readableBy(uploadId, prediction.tokenId))) {
        const description = `${value} is not one of your files, or it has expired`;
        throw new GatewayError("invalid_input", `input.${field}: ${description}`, {
          invalidFields: [{ type: "file", field: `input.${field}`, description }],
        });
      }
    }
    if (dataUrls.size > 0) this.dataUrls.set(prediction, dataUrls);
  }

  /**
   * Stores the prediction's data URLs as uploads; `links` holds those already stored for the same
   * request (a batch's shared input is stored once) and gets the new ones.
   */
  async store(prediction: Prediction, links = new Map<string, string>()): Promise<StoredInputs> {
    const found = this.dataUrls.get(prediction);
    if (!found) return { prediction, links };
    for (const [url, field] of found) {
      if (links.has(url)) continue;
      const { data, contentType } = decodeDataUrl(url, `input.${field}`);
      const upload = await this.uploads.add(data, {
        name: field,
        contentType,
        metadata: { prediction: prediction.id, field },
        tokenId: prediction.tokenId,
        expiresAt: null,
      });
      links.set(url, `${this.baseUrl()}/v1/files/${upload.id}`);
    }
    const stored = {
      ...prediction,
      input: (await relink(prediction.input, links)) as Record<string, unknown>,
      ...(prediction.route && {
        route: {
          ...prediction.route,
          request: (await relink(prediction.route.request, links)) as Record<string, unknown>,
        },
      }),
    };
    return { prediction: stored, links };
  }
}

/** `value` with every string that was stored replaced by its link. */
export function relink(value: unknown, links: ReadonlyMap<string, string>): Promise<unknown> {
  return mapLeaves(
    value,
    (leaf): leaf is string => typeof leaf === "string" && links.has(leaf),
    (leaf) => links.get(leaf),
  );
}
