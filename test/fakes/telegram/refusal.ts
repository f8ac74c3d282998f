import { GrammyError } from "grammy";

/** The GrammyError a Bot API call is refused with (fails the test when the call succeeds). */
export async function refusal(call: Promise<unknown>): Promise<GrammyError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof GrammyError) return error;
    throw error;
  }
  throw new Error("expected the Bot API to refuse the call");
}
