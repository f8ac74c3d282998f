/**
 * What a sim LoRA does to an image: a tint and diagonal stripes whose colour, period and direction
 * depend only on the LoRA's name, so its images are told apart from sim/image's and each other's.
 */
import { hslToRgb } from "./image-pattern.ts";
import { SeededRandom } from "./prng.ts";

/** How strongly the style shows at `lora_scale` 1. */
const STRENGTH = 0.45;
const MAX_STRENGTH = 0.9;

export interface LoraStyle {
  color: [number, number, number];
  period: number;
  direction: 1 | -1;
}

export function loraStyle(name: string): LoraStyle {
  const random = new SeededRandom("sim-lora", name);
  const color = hslToRgb(random.next(), 0.75, 0.5);
  const period = 6 + Math.floor(random.next() * 26);
  return { color, period, direction: random.next() < 0.5 ? 1 : -1 };
}

/** Styles raw RGB `pixels` in place; a scale of 0 (or less) leaves them as they are. */
export function applyLora(pixels: Buffer, width: number, height: number, name: string, scale: number): void {
  const strength = Math.min(MAX_STRENGTH, Math.max(0, STRENGTH * scale));
  if (strength === 0) return;
  const { color, period, direction } = loraStyle(name);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const phase = (((x + direction * y) % period) + period) % period;
      const weight = phase < period / 2 ? strength : strength * 0.35;
      const i = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const value = pixels[i + c] as number;
        pixels[i + c] = Math.round(value + ((color[c] as number) - value) * weight);
      }
    }
  }
}
