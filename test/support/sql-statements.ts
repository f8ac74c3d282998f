/** The SQL statements the embedded database runs while some work runs in this process. */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { sqlStatements } from "../../src/store/statement-channel.ts";

/** Every statement run while `work` runs, by its SQL text. */
export async function statementsDuring(work: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (sql: unknown) => seen.push(String(sql));
  subscribe(sqlStatements.name, listener);
  try {
    await work();
  } finally {
    unsubscribe(sqlStatements.name, listener);
  }
  return seen;
}
