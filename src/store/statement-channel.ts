/**
 * Every SQL statement the embedded database runs is published here (its SQL text) while someone
 * listens: a test or a benchmark counts what a request costs. Unheard, publishing costs one check.
 */
import { channel } from "node:diagnostics_channel";

export const sqlStatements = channel("gengate:sql-statement");
