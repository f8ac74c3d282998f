/** A file read as a photo or caption: one uploaded as is, or an entry of an uploaded zip. */
export interface PhotoSource {
  /** The uploaded name, or `<zip name>/<entry name>` for an entry of an uploaded zip. */
  original: string;
  /** Its size in bytes: as uploaded, or as its zip declares it. */
  size: number;
  read(): Promise<Buffer>;
}
