/** Prompts of a new LoRA's sample images: the trigger word in a few plain settings. */
const SETTINGS = [
  "a photo of {t}",
  "a portrait of {t}, soft window light",
  "{t} outdoors on a sunny day, 35mm photo",
  "a watercolor painting of {t}",
  "{t} in a studio, high detail",
  "a close-up of {t}, shallow depth of field",
  "{t} in a city at night, neon lights",
  "an illustration of {t} in a comic style",
];

export const MAX_SAMPLES = SETTINGS.length;

export function samplePrompts(triggerWord: string, count: number): string[] {
  return SETTINGS.slice(0, count).map((setting) => setting.replace("{t}", triggerWord));
}
