/**
 * Runs the fake Telegram on its own, for trying the bot by hand:
 *   node test/fakes/telegram/serve.ts [port]   (FAKE_TELEGRAM_TOKEN fixes the token)
 * then point the bot at the apiRoot it prints and play the user through /_fake/ (control-routes.ts).
 */
import { startFakeTelegram } from "./fake-telegram.ts";

const port = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
const fake = await startFakeTelegram({
  ...(port !== undefined && { port }),
  ...(process.env.FAKE_TELEGRAM_TOKEN && { token: process.env.FAKE_TELEGRAM_TOKEN }),
});
process.stdout.write(
  [
    `fake Telegram Bot API at ${fake.apiRoot} (bot @${fake.bot.username})`,
    `TELEGRAM_API_ROOT=${fake.apiRoot}`,
    `TELEGRAM_BOT_TOKEN=${fake.token}`,
    `write as user 42:  curl -d '{"text":"/start"}' ${fake.apiRoot}/_fake/users/42/text`,
    `see the chat:      ${fake.apiRoot}/_fake/chats/42/transcript.html`,
    "",
  ].join("\n"),
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void fake.close().then(() => process.exit(0));
  });
}
