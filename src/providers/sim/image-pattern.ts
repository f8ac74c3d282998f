/**
 * Raw RGB pixels that look like a picture (a soft gradient, a wave and a few shapes) and depend
 * only on prompt, seed and size. Cheap: one pass over the image plus each shape's bounding box.
 */
import { SeededRandom } from "./prng.ts";

type Rgb = [number, number, number];

export function patternPixels(prompt: string, seed: number, width: number, height: number): Buffer {
  const random = new SeededRandom("sim/image", prompt, seed);
  const pixels = Buffer.alloc(width * height * 3);
  const canvas = new Uint8ClampedArray(pixels.buffer, pixels.byteOffset, pixels.length);
  const hue = random.next();
  paintBackground(canvas, width, height, random, hue);
  const shapes = 3 + Math.floor(random.next() * 4);
  for (let i = 0; i < shapes; i++) {
    const color = hslToRgb(
      hue + 0.4 + random.next() * 0.4,
      0.5 + random.next() * 0.4,
      0.25 + random.next() * 0.5,
    );
    const opacity = 0.45 + random.next() * 0.45;
    const cx = random.next() * width;
    const cy = random.next() * height;
    const size = (0.08 + random.next() * 0.22) * Math.min(width, height);
    if (random.next() < 0.6) paintDisc(canvas, width, height, { cx, cy, r: size, color, opacity });
    else
      paintRect(canvas, width, height, {
        cx,
        cy,
        hw: size,
        hh: size * (0.4 + random.next() * 1.2),
        color,
        opacity,
      });
  }
  return pixels;
}

function paintBackground(
  canvas: Uint8ClampedArray,
  width: number,
  height: number,
  random: SeededRandom,
  hue: number,
): void {
  const corner = (): Rgb =>
    hslToRgb(hue + random.next() * 0.3, 0.35 + random.next() * 0.45, 0.25 + random.next() * 0.5);
  const [topLeft, topRight, bottomLeft, bottomRight] = [corner(), corner(), corner(), corner()];
  // sin(a + b) = sin a cos b + cos a sin b lets the wave be precomputed per column and per row.
  const amplitude = 8 + random.next() * 18;
  const xFreq = ((1 + random.next() * 5) * 2 * Math.PI) / width;
  const yFreq = ((1 + random.next() * 5) * 2 * Math.PI) / height;
  const phase = random.next() * 2 * Math.PI;
  const sinX = new Float64Array(width);
  const cosX = new Float64Array(width);
  const tx = new Float64Array(width);
  for (let x = 0; x < width; x++) {
    sinX[x] = Math.sin(x * xFreq + phase);
    cosX[x] = Math.cos(x * xFreq + phase);
    tx[x] = x / Math.max(1, width - 1);
  }
  for (let y = 0; y < height; y++) {
    const ty = y / Math.max(1, height - 1);
    const sinY = amplitude * Math.sin(y * yFreq);
    const cosY = amplitude * Math.cos(y * yFreq);
    const [leftR, leftG, leftB] = mix(topLeft, bottomLeft, ty);
    const [rightR, rightG, rightB] = mix(topRight, bottomRight, ty);
    const spanR = rightR - leftR;
    const spanG = rightG - leftG;
    const spanB = rightB - leftB;
    let i = y * width * 3;
    for (let x = 0; x < width; x++) {
      const t = tx[x] as number;
      const wave = (sinX[x] as number) * cosY + (cosX[x] as number) * sinY;
      canvas[i++] = leftR + spanR * t + wave;
      canvas[i++] = leftG + spanG * t + wave;
      canvas[i++] = leftB + spanB * t + wave;
    }
  }
}

function mix(from: Rgb, to: Rgb, t: number): Rgb {
  return [lerp(from[0], to[0], t), lerp(from[1], to[1], t), lerp(from[2], to[2], t)];
}

interface Disc {
  cx: number;
  cy: number;
  r: number;
  color: Rgb;
  opacity: number;
}

function paintDisc(canvas: Uint8ClampedArray, width: number, height: number, disc: Disc): void {
  const { cx, cy, r, color, opacity } = disc;
  const [x0, x1, y0, y1] = box(cx - r - 1, cx + r + 1, cy - r - 1, cy + r + 1, width, height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      // Anti-aliased edge: coverage falls from 1 to 0 across the boundary pixel. (Math.hypot guards
      // against overflow that pixel distances never reach, at several times the cost of sqrt.)
      const dx = x - cx;
      const dy = y - cy;
      const coverage = Math.min(1, Math.max(0, r - Math.sqrt(dx * dx + dy * dy) + 0.5));
      if (coverage > 0) blendPixel(canvas, (y * width + x) * 3, color, coverage * opacity);
    }
  }
}

interface Rect {
  cx: number;
  cy: number;
  hw: number;
  hh: number;
  color: Rgb;
  opacity: number;
}

function paintRect(canvas: Uint8ClampedArray, width: number, height: number, rect: Rect): void {
  const { cx, cy, hw, hh, color, opacity } = rect;
  const [x0, x1, y0, y1] = box(cx - hw, cx + hw, cy - hh, cy + hh, width, height);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      blendPixel(canvas, (y * width + x) * 3, color, opacity);
    }
  }
}

/** Pixel bounds [x0, x1, y0, y1) of a box, clipped to the canvas. */
function box(left: number, right: number, top: number, bottom: number, width: number, height: number) {
  return [clip(left, width), clip(right, width), clip(top, height), clip(bottom, height)] as const;
}

function clip(v: number, max: number): number {
  return Math.min(max, Math.max(0, Math.round(v)));
}

function blendPixel(canvas: Uint8ClampedArray, i: number, color: Rgb, alpha: number): void {
  canvas[i] = lerp(canvas[i] as number, color[0], alpha);
  canvas[i + 1] = lerp(canvas[i + 1] as number, color[1], alpha);
  canvas[i + 2] = lerp(canvas[i + 2] as number, color[2], alpha);
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Hue wraps around; saturation and lightness in 0..1; channels in 0..255. */
export function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const h = (((hue % 1) + 1) % 1) * 6;
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const x = chroma * (1 - Math.abs((h % 2) - 1));
  const m = lightness - chroma / 2;
  const sector: Rgb[] = [
    [chroma, x, 0],
    [x, chroma, 0],
    [0, chroma, x],
    [0, x, chroma],
    [x, 0, chroma],
    [chroma, 0, x],
  ];
  const [r, g, b] = sector[Math.floor(h)] as Rgb;
  return [(r + m) * 255, (g + m) * 255, (b + m) * 255];
}
