/** Images users send: which file of a message is the image, and its bytes from Telegram. */
import type { Api } from "grammy";
import type { Message } from "grammy/types";

/** Telegram lets bots download files up to 20 MB. */
export const DOWNLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

const IMAGE_TYPES = new Set(["image/jpeg", "image/png", "image/webp"]);

export interface SentImage {
  fileId: string;
  fileUniqueId: string;
  /** As Telegram reports it; undefined when it does not say. */
  size: number | undefined;
}

export type ImageOfMessage = { image: SentImage } | { refusal: "not_image" | "too_big" } | undefined;

/** The message's image (the largest size of a photo, or an image sent as a file); undefined when it has none. */
export function imageOf(message: Message | undefined): ImageOfMessage {
  if (!message) return undefined;
  const photo = message.photo?.at(-1);
  const document = message.document;
  let image: SentImage;
  if (photo) {
    image = { fileId: photo.file_id, fileUniqueId: photo.file_unique_id, size: photo.file_size };
  } else if (document) {
    if (!IMAGE_TYPES.has(document.mime_type ?? "")) return { refusal: "not_image" };
    image = { fileId: document.file_id, fileUniqueId: document.file_unique_id, size: document.file_size };
  } else {
    return undefined;
  }
  return (image.size ?? 0) > DOWNLOAD_LIMIT_BYTES ? { refusal: "too_big" } : { image };
}

export class TelegramFiles {
  readonly #api: Api;
  readonly #fileRoot: string;

  constructor(api: Api, apiRoot: string, token: string) {
    this.#api = api;
    this.#fileRoot = `${apiRoot}/file/bot${token}`;
  }

  /** The file's bytes; throws when Telegram refuses it or it is over the download limit. */
  async download(fileId: string): Promise<Buffer> {
    const file = await this.#api.getFile(fileId);
    if (!file.file_path) throw new Error("Telegram gave no path for the file");
    if ((file.file_size ?? 0) > DOWNLOAD_LIMIT_BYTES)
      throw new Error("the file is over Telegram's download limit");
    const response = await fetch(`${this.#fileRoot}/${file.file_path}`);
    if (!response.ok) throw new Error(`Telegram answered ${response.status} for the file`);
    const data = Buffer.from(await response.arrayBuffer());
    if (data.length > DOWNLOAD_LIMIT_BYTES) throw new Error("the file is over Telegram's download limit");
    return data;
  }
}
