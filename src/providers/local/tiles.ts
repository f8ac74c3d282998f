/**
 * Tiling for super-resolution: the model sees one tile at a time (bounded memory whatever the
 * image size), each with a margin of context on every side that is cut off its output, so tile
 * seams do not show.
 */

export interface Tile {
  /** The part of the input this tile's output covers. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** The input region fed to the model: the tile plus up to `margin` pixels around it. */
  inX: number;
  inY: number;
  inWidth: number;
  inHeight: number;
}

export function tilesOf(width: number, height: number, size: number, margin: number): Tile[] {
  const tiles: Tile[] = [];
  for (let y = 0; y < height; y += size) {
    for (let x = 0; x < width; x += size) {
      const inX = Math.max(0, x - margin);
      const inY = Math.max(0, y - margin);
      const w = Math.min(size, width - x);
      const h = Math.min(size, height - y);
      tiles.push({
        x,
        y,
        width: w,
        height: h,
        inX,
        inY,
        inWidth: Math.min(width, x + w + margin) - inX,
        inHeight: Math.min(height, y + h + margin) - inY,
      });
    }
  }
  return tiles;
}

/** The tile's input region of an interleaved image `channels` deep and `width` wide. */
export function cropRegion(data: Uint8Array, width: number, channels: number, tile: Tile): Uint8Array {
  const region = new Uint8Array(tile.inWidth * tile.inHeight * channels);
  const rowBytes = tile.inWidth * channels;
  for (let row = 0; row < tile.inHeight; row++) {
    const from = ((tile.inY + row) * width + tile.inX) * channels;
    region.set(data.subarray(from, from + rowBytes), row * rowBytes);
  }
  return region;
}

/**
 * Writes a tile's upscaled region (`scale` times its input region, `channels` deep) into `out`,
 * the upscaled image, leaving out the margin.
 */
export function pasteTile(
  out: Uint8Array,
  outWidth: number,
  region: Uint8Array | Uint8ClampedArray,
  tile: Tile,
  scale: number,
  channels: number,
): void {
  const regionWidth = tile.inWidth * scale;
  const offsetX = (tile.x - tile.inX) * scale;
  const offsetY = (tile.y - tile.inY) * scale;
  const rowBytes = tile.width * scale * channels;
  for (let row = 0; row < tile.height * scale; row++) {
    const from = ((offsetY + row) * regionWidth + offsetX) * channels;
    const to = ((tile.y * scale + row) * outWidth + tile.x * scale) * channels;
    out.set(region.subarray(from, from + rowBytes), to);
  }
}
