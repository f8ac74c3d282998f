import type { z } from "zod";
import type { InvalidField } from "./errors.ts";

/** zod's issues as `invalid_fields`; `root` names the whole value when an issue has no path. */
export function invalidFieldsOf(error: z.ZodError, root: string): InvalidField[] {
  return error.issues.map((issue) => ({
    type: issue.code,
    field: issue.path.join(".") || root,
    description: issue.message,
  }));
}
