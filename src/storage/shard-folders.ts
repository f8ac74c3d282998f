/**
 * A local store spreads its files over folders named by the first characters of their hash: one
 * level (`ab/`, 256 folders) since stores began to be made that way; two levels (`ab/cd/`, up to
 * 65,536 folders, nearly one per file until a store holds tens of thousands) in stores made before,
 * which keep theirs.
 */
import { readdirSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";

export type ShardLevels = 1 | 2;

const SHARD = /^[0-9a-f]{2}$/;
const isShard = (name: string) => SHARD.test(name);

/**
 * Two levels when the first shard folder with something in it (of the store or of its uploads)
 * holds shard folders; one level when it holds files, or when there is none (a new store).
 */
export function shardLevelsOf(root: string): ShardLevels {
  for (const base of [root, join(root, "uploads")]) {
    for (const shard of namesInSync(base).filter(isShard)) {
      const inside = namesInSync(join(base, shard));
      if (inside.length > 0) return inside.some(isShard) ? 2 : 1;
    }
  }
  return 1;
}

/** The folders, below the store's root (or its uploads), of a file named `name`. */
export function shardFoldersOf(name: string, levels: ShardLevels): string[] {
  return levels === 1 ? [name.slice(0, 2)] : [name.slice(0, 2), name.slice(2, 4)];
}

/** The names of the files in the shard folders `levels` deep under `dir`. */
export async function* namesInShards(dir: string, levels: number): AsyncIterable<string> {
  if (levels === 0) {
    yield* await namesIn(dir);
    return;
  }
  for (const shard of (await namesIn(dir)).filter(isShard))
    yield* namesInShards(join(dir, shard), levels - 1);
}

const namesIn = (dir: string): Promise<string[]> => readdir(dir).catch(() => []);

function namesInSync(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
