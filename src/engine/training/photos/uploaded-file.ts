/** A file a user uploads for training: a photo, a caption or a zip of them. */
export interface UploadedFile {
  name: string;
  data: Buffer;
}
