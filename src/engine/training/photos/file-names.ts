/** What a file's name says: whether it is skipped, unsafe inside a zip, or the caption of a photo. */

/** Folders, macOS's `__MACOSX/` resource forks and hidden files such as `.DS_Store` and `._x.jpg`. */
export function isIgnoredName(path: string): boolean {
  const segments = path.split("/");
  return path.endsWith("/") || segments.includes("__MACOSX") || (segments.at(-1) ?? "").startsWith(".");
}

/**
 * Why a zip entry's name could write outside the folder it is extracted to, or undefined. Nothing is
 * extracted here, but an archive that holds such a name is hostile or broken and is refused whole.
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.includes("\\")) return "contains a backslash";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return "is an absolute path";
  if (name.split("/").includes("..")) return "climbs out of the archive with ..";
  if (/\p{Cc}/u.test(name)) return "contains control characters";
  return undefined;
}

export function isCaptionName(path: string): boolean {
  return /\.txt$/i.test(path);
}

/** The path without its extension: the caption `dir/x.txt` belongs to the photo `dir/x.jpg`. */
export function stemOf(path: string): string {
  const dot = path.lastIndexOf(".");
  return dot > path.lastIndexOf("/") ? path.slice(0, dot) : path;
}
