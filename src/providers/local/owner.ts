/** The gengate process that started a local job, as its operation names it (for messages and logs). */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { z } from "zod";

export const ownerSchema = z.object({ instance: z.string().min(1), host: z.string(), pid: z.int() });
export type Owner = z.infer<typeof ownerSchema>;

/** A new identity, one per provider instance. */
export function newOwner(): Owner {
  return { instance: randomUUID(), host: hostname(), pid: process.pid };
}
