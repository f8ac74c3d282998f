/**
 * Lowers the priority of the calling thread. Linux gives each thread its own niceness, and the
 * threads a library starts from it (ONNX Runtime's) inherit it: a worker doing so leaves the CPU
 * to the thread serving the API whenever that one has work. Elsewhere this does nothing.
 */
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";

const NICENESS = 10;

export function lowerThreadPriority(): void {
  try {
    const threadId = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
    setPriority(threadId, NICENESS);
  } catch {
    // Not Linux: the thread keeps the process's priority.
  }
}
