/** Converting an image size between width/height and aspect ratio, snapped to what a model takes. */

/** About one megapixel, the size text-to-image models are usually trained at. */
const TARGET_AREA = 1024 * 1024;

function ratioOf(text: string): number {
  const [w = 1, h = 1] = text.split(":").map(Number);
  return w / h;
}

/** The aspect ratio among `allowed` closest to width/height (compared on a log scale). */
export function nearestAspectRatio(width: number, height: number, allowed: readonly string[]): string {
  const wanted = Math.log(width / height);
  let best = allowed[0] ?? reducedRatio(width, height);
  for (const ratio of allowed) {
    if (Math.abs(Math.log(ratioOf(ratio)) - wanted) < Math.abs(Math.log(ratioOf(best)) - wanted))
      best = ratio;
  }
  return best;
}

function reducedRatio(width: number, height: number): string {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(width, height);
  return `${width / d}:${height / d}`;
}

export function snap(value: number, multipleOf: number): number {
  return Math.max(multipleOf, Math.round(value / multipleOf) * multipleOf);
}

/** Width and height of about one megapixel in `ratio`, each a multiple of `multipleOf`. */
export function sizeForAspectRatio(ratio: string, multipleOf: number): { width: number; height: number } {
  const r = ratioOf(ratio);
  return {
    width: snap(Math.sqrt(TARGET_AREA * r), multipleOf),
    height: snap(Math.sqrt(TARGET_AREA / r), multipleOf),
  };
}
