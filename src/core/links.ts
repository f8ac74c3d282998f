/** Where a client reaches gengate, and the link it fetches a stored file at (signed unless files are public). */
export interface Links {
  /** gengate's origin for this client, without a trailing slash. */
  base: string;
  /** The URL of the blob stored under `key`. */
  file(key: string): string;
}
