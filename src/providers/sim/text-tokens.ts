/** The deterministic response of sim/text: first words of the prompt, then vocabulary words. */
import { SeededRandom } from "./prng.ts";

const VOCABULARY = (
  "the a gateway model image prompt seed token stream queue worker light river mountain city signal quiet " +
  "bright slow fast simulated response data and of with through under beyond every small large blue golden " +
  "waits moves returns renders learns holds carries opens time network memory pixel story answer question " +
  "window garden engine cloud night morning path echo"
).split(" ");
const ECHOED_WORDS = 4;

/** Exactly `count` tokens; every token but the first starts with a space. */
export function simTokens(prompt: string, seed: number, count: number): string[] {
  const random = new SeededRandom("sim/text", prompt, seed);
  const pick = () => VOCABULARY[Math.floor(random.next() * VOCABULARY.length)] as string;
  const words = prompt
    .split(/\s+/)
    .filter((word) => word !== "")
    .slice(0, ECHOED_WORDS);
  let untilFullStop = words.length + 6 + Math.floor(random.next() * 9);
  while (words.length < count) {
    const startsSentence = words.at(-1)?.endsWith(".") ?? false;
    let word = pick();
    if (startsSentence) word = word.charAt(0).toUpperCase() + word.slice(1);
    if (words.length + 1 === untilFullStop) {
      word += ".";
      untilFullStop += 6 + Math.floor(random.next() * 9);
    }
    words.push(word);
  }
  return words.slice(0, count).map((word, i) => (i === 0 ? word : ` ${word}`));
}
