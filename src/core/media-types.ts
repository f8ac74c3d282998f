/** File extensions and the content types they stand for, both ways. */

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
  json: "application/json",
  txt: "text/plain; charset=utf-8",
  zip: "application/zip",
  tar: "application/x-tar",
  mp4: "video/mp4",
  wav: "audio/wav",
  mp3: "audio/mpeg",
};

export function contentTypeOfExtension(extension: string): string {
  return CONTENT_TYPES[extension.toLowerCase()] ?? "application/octet-stream";
}

export function extensionOfContentType(contentType: string): string {
  const base = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  const found = Object.entries(CONTENT_TYPES).find(([, type]) => type.split(";")[0] === base);
  return found?.[0] ?? "bin";
}
