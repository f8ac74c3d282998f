/**
 * sharp (libvips), loaded on first use: its native library costs a process about 14 MiB it never
 * uses if it handles no image.
 */
import type Sharp from "sharp";

let loading: Promise<typeof Sharp> | undefined;

export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import("sharp").then((module) => module.default);
  return loading;
}
