/**
 * The zip the trainer takes as `input_images`: `photo-001.jpg`… and, for a photo with a caption,
 * `photo-001.txt`. Entries are stored without compression: the photos are JPEGs already.
 */
import type { Readable } from "node:stream";
import { ZipFile } from "yazl";
import { stemOf } from "./file-names.ts";
import type { TrainingPhoto } from "./read-training-photos.ts";

export function trainingZip(photos: readonly TrainingPhoto[]): Readable {
  const zip = new ZipFile();
  for (const photo of photos) {
    zip.addBuffer(photo.jpeg, photo.name, { compress: false });
    if (photo.caption !== undefined) {
      zip.addBuffer(Buffer.from(photo.caption), `${stemOf(photo.name)}.txt`, { compress: false });
    }
  }
  zip.end();
  return zip.outputStream as Readable;
}
