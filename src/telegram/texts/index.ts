export type { Texts } from "./en.ts";
export { LANGUAGES, type Language, languageOf, textsOf } from "./languages.ts";
