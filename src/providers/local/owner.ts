/**
 * The process holding a local job. Jobs live in the memory of the process that started them; any
 * other process sharing the database can only tell whether that one is certainly gone: it ran on
 * this host and its pid is free, or it was an earlier provider of this very process (a restart in
 * a container keeps the pid).
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";

export const ownerSchema = z.object({ instance: z.string().min(1), host: z.string(), pid: z.int() });
export type Owner = z.infer<typeof ownerSchema>;

/** A new identity, one per provider instance. */
export function newOwner(): Owner {
  return { instance: randomUUID(), host: hostname(), pid: process.pid };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid belongs to a process of another user.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/** Where a job of `owner` is, seen from `self`. */
export function whereIs(owner: Owner, self: Owner): "here" | "gone" | "elsewhere" {
  if (owner.instance === self.instance) return "here";
  if (owner.host !== self.host) return "elsewhere";
  if (owner.pid === self.pid || !isRunning(owner.pid)) return "gone";
  return "elsewhere";
}
