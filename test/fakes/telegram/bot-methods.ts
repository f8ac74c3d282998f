/** getMe, getUpdates, the webhook methods and the command menu. */
import type { BotCommand, BotCommandScope, Update } from "grammy/types";
import { badRequest, conflict, required } from "./api-error.ts";
import { commandsKey, type MethodHandler } from "./state.ts";

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const COMMAND = /^[a-z0-9_]{1,32}$/;

function commandsKeyOf(params: Parameters<MethodHandler>[1]): string {
  return commandsKey(params.json<BotCommandScope>("scope")?.type, params.string("language_code"));
}

export const botMethods: Record<string, MethodHandler> = {
  getMe: (state) => state.bot,

  async getUpdates(state, params, signal): Promise<Update[]> {
    if (state.webhook.settings)
      throw conflict(
        "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    return state.updates.poll({
      signal,
      ...(params.has("offset") && { offset: params.int("offset") }),
      ...(params.has("limit") && { limit: params.int("limit") }),
      ...(params.has("timeout") && { timeout: params.int("timeout") }),
      ...(params.has("allowed_updates") && { allowedUpdates: params.json<string[]>("allowed_updates") }),
    });
  },

  setWebhook(state, params) {
    const url = params.string("url") ?? "";
    if (url === "") return botMethods.deleteWebhook?.(state, params, new AbortController().signal);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to parse webhook URL");
    }
    // Telegram insists on HTTPS; the fake also takes http, as its receivers run on loopback
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    const secretToken = params.string("secret_token");
    if (secretToken !== undefined && !SECRET_TOKEN.test(secretToken))
      throw badRequest("bad webhook: secret token contains unallowed characters");
    const maxConnections = params.int("max_connections") ?? 40;
    if (maxConnections < 1 || maxConnections > 100)
      throw badRequest("bad webhook: max_connections must be 1-100");
    if (params.bool("drop_pending_updates")) state.updates.dropPending();
    if (params.has("allowed_updates")) state.updates.setAllowed(params.json<string[]>("allowed_updates"));
    state.updates.endPoll(conflict("terminated by setWebhook request"));
    state.webhook.set({ url, maxConnections, ...(secretToken !== undefined && { secretToken }) });
    return true;
  },

  deleteWebhook(state, params) {
    if (params.bool("drop_pending_updates")) state.updates.dropPending();
    if (state.webhook.settings) state.webhook.set(undefined);
    return true;
  },

  getWebhookInfo(state) {
    const settings = state.webhook.settings;
    const lastError = state.webhook.lastError;
    const allowed = state.updates.allowed();
    return {
      url: settings?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: state.updates.pendingCount(),
      ...(settings && { max_connections: settings.maxConnections, ip_address: "127.0.0.1" }),
      ...(lastError && { last_error_date: lastError.date, last_error_message: lastError.message }),
      ...(allowed && { allowed_updates: allowed }),
    };
  },

  setMyCommands(state, params) {
    const commands = params.json<BotCommand[]>("commands");
    if (!Array.isArray(commands)) throw required("commands");
    if (commands.length > 100) throw badRequest("too many commands specified");
    for (const command of commands) {
      if (!COMMAND.test(String(command?.command ?? ""))) throw badRequest("BOT_COMMAND_INVALID");
      const description = String(command.description ?? "");
      if (description.length < 1 || description.length > 256)
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
    }
    state.commands.set(
      commandsKeyOf(params),
      commands.map(({ command, description }) => ({ command, description })),
    );
    return true;
  },

  getMyCommands: (state, params) => state.commands.get(commandsKeyOf(params)) ?? [],

  deleteMyCommands(state, params) {
    state.commands.delete(commandsKeyOf(params));
    return true;
  },
};
