/**
 * The file a bot names in `photo`, `document` or `media[].media`: a multipart part (directly or by
 * `attach://<part>`), a file_id the fake knows, or an http(s) URL Telegram downloads (5 MB for
 * photos, 20 MB otherwise) (reference C.2; texts as Telegram's server words them).
 */
import { badRequest } from "./api-error.ts";
import type { FileKind, FileStore, StoredFile } from "./file-store.ts";
import type { Params } from "./request-params.ts";

export type InputFileSource =
  | { upload: true; bytes: Buffer; fileName: string; mimeType?: string }
  | { upload: false; existing: StoredFile };

const URL_LIMIT: Record<FileKind, number> = { photo: 5 * 1024 * 1024, document: 20 * 1024 * 1024 };
const KIND_NAME: Record<FileKind, string> = { photo: "Photo", document: "Document" };

/** `value` is the field's text (undefined when the bytes are in a part named `field`). */
export async function resolveInputFile(
  params: Params,
  files: FileStore,
  field: string,
  value: string | undefined,
  kind: FileKind,
): Promise<InputFileSource> {
  const partName = value?.startsWith("attach://")
    ? value.slice("attach://".length)
    : value
      ? undefined
      : field;
  if (partName !== undefined) {
    const part = params.parts.get(partName);
    if (!part)
      throw badRequest(
        value ? "can't parse InputMedia: media not found" : `there is no ${field} in the request`,
      );
    if (part.bytes.length === 0) throw badRequest("file must be non-empty");
    return { upload: true, bytes: part.bytes, fileName: part.filename };
  }
  const text = value ?? "";
  if (/^https?:\/\//i.test(text)) return download(text, kind);
  const file = files.get(text);
  if (!file) throw badRequest("wrong file identifier/HTTP URL specified");
  if (file.kind !== kind)
    throw badRequest(`can't use file of type ${KIND_NAME[file.kind]} as ${KIND_NAME[kind]}`);
  return { upload: false, existing: file };
}

async function download(url: string, kind: FileKind): Promise<InputFileSource> {
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(10_000) });
  } catch {
    throw badRequest("failed to get HTTP URL content");
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!response.ok || bytes.length > URL_LIMIT[kind]) throw badRequest("failed to get HTTP URL content");
  const mimeType = response.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream";
  if (bytes.length === 0 || (kind === "photo" && !mimeType.startsWith("image/")))
    throw badRequest("wrong type of the web page content");
  const fileName = decodeURIComponent(new URL(url).pathname.split("/").pop() || "file");
  return { upload: true, bytes, fileName, mimeType };
}
