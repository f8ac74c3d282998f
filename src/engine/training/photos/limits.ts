/** How much a user may upload to train a LoRA from photos, and the size photos are normalised to. */

export interface PhotoLimits {
  /** Fewest distinct photos a training takes. */
  minPhotos: number;
  /** Most distinct photos a training takes. */
  maxPhotos: number;
  /** Largest single file: an uploaded photo or caption, or a file inside a zip. Zips themselves are exempt. */
  maxFileBytes: number;
  /** Largest sum of those files, counted after unzipping. */
  maxTotalBytes: number;
  /** Most entries in one zip, counting the ones that are ignored. */
  maxZipEntries: number;
  /** Most bytes a zip entry over 1 MiB may inflate to per compressed byte. */
  maxCompressionRatio: number;
  /** Smallest shorter side of a photo, in pixels. */
  minSide: number;
  /** Photos are downscaled so that their longer side is at most this, in pixels. */
  maxSide: number;
  /** Most pixels (width × height) in a photo before it is decoded. */
  maxPixels: number;
}

/**
 * 4 to 200 photos; 20 MiB a file and 500 MiB in all; 1,000 zip entries (200 photos with their captions and
 * macOS's `._` files fit); a compression ratio of 100, far above what already-compressed photos reach;
 * photos at least 256 px on their shorter side, at most 1024 px on their longer side once normalised; 64
 * megapixels rather than 40, so that full-resolution shots of 48- and 50-megapixel phone cameras pass.
 */
export const DEFAULT_PHOTO_LIMITS: Readonly<PhotoLimits> = {
  minPhotos: 4,
  maxPhotos: 200,
  maxFileBytes: 20 * 2 ** 20,
  maxTotalBytes: 500 * 2 ** 20,
  maxZipEntries: 1000,
  maxCompressionRatio: 100,
  minSide: 256,
  maxSide: 1024,
  maxPixels: 64_000_000,
};
