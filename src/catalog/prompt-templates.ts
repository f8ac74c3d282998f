/**
 * Chat prompt templates per model family: a conversation of messages turned into the one prompt
 * a text model completes, ending with the opener of the assistant's turn, and the sequences that
 * end the assistant's turn. Begin-of-text tokens are left out: the model's tokenizer adds them.
 */

export const PROMPT_FAMILIES = ["llama3", "gemma", "mistral", "chatml", "plain"] as const;
export type PromptFamily = (typeof PROMPT_FAMILIES)[number];

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface RenderedChat {
  prompt: string;
  /** Set when the family keeps the system prompt apart from the prompt. */
  systemPrompt?: string;
  stop: string[];
}

interface TurnFormat {
  /** False: the family has no system turn, so system text goes at the start of the next user turn. */
  systemTurns: boolean;
  turn(role: ChatMessage["role"], content: string): string;
  assistantOpener: string;
  stop: string[];
}

const FORMATS: Record<Exclude<PromptFamily, "plain">, TurnFormat> = {
  llama3: {
    systemTurns: true,
    turn: (role, content) => `<|start_header_id|>${role}<|end_header_id|>\n\n${content}<|eot_id|>`,
    assistantOpener: "<|start_header_id|>assistant<|end_header_id|>\n\n",
    stop: ["<|eot_id|>", "<|end_of_text|>"],
  },
  chatml: {
    systemTurns: true,
    turn: (role, content) => `<|im_start|>${role}\n${content}<|im_end|>\n`,
    assistantOpener: "<|im_start|>assistant\n",
    stop: ["<|im_end|>"],
  },
  gemma: {
    systemTurns: false,
    turn: (role, content) =>
      `<start_of_turn>${role === "assistant" ? "model" : "user"}\n${content}<end_of_turn>\n`,
    assistantOpener: "<start_of_turn>model\n",
    stop: ["<end_of_turn>"],
  },
  mistral: {
    systemTurns: false,
    turn: (role, content) => (role === "assistant" ? `${content}</s>` : `[INST] ${content} [/INST]`),
    assistantOpener: "",
    stop: ["</s>"],
  },
};

const PLAIN_LABELS = { user: "User", assistant: "Assistant" } as const;
const PLAIN_STOP = "\nUser:";

/** Every family's turn ends: what a chat rendered as a prompt may have been cut at. */
export const TURN_ENDS: readonly string[] = [...Object.values(FORMATS).flatMap((f) => f.stop), PLAIN_STOP];

export function renderChat(messages: readonly ChatMessage[], family: PromptFamily): RenderedChat {
  if (family === "plain") return renderPlain(messages);
  const format = FORMATS[family];
  const turns = format.systemTurns ? messages : foldSystemMessages(messages);
  const prompt = turns.map((m) => format.turn(m.role, m.content)).join("") + format.assistantOpener;
  return { prompt, stop: [...format.stop] };
}

/**
 * The system prompt apart; a single user message is the prompt as it is (a plain completion),
 * a longer conversation a `User:` / `Assistant:` transcript.
 */
function renderPlain(messages: readonly ChatMessage[]): RenderedChat {
  const system = messages.filter((m) => m.role === "system").map((m) => m.content);
  const turns = messages.filter((m) => m.role !== "system");
  const only = turns.length === 1 ? turns[0] : undefined;
  const prompt =
    only?.role === "user"
      ? only.content
      : `${turns.map((m) => `${PLAIN_LABELS[m.role as "user" | "assistant"]}: ${m.content}\n`).join("")}Assistant:`;
  return { prompt, ...(system.length > 0 && { systemPrompt: system.join("\n\n") }), stop: [PLAIN_STOP] };
}

/** System messages put at the start of the user turn that follows them (or of a user turn of their own). */
function foldSystemMessages(messages: readonly ChatMessage[]): ChatMessage[] {
  const folded: ChatMessage[] = [];
  let pending: string[] = [];
  for (const message of messages) {
    if (message.role === "system") {
      pending.push(message.content);
    } else if (message.role === "user" && pending.length > 0) {
      folded.push({ role: "user", content: [...pending, message.content].join("\n\n") });
      pending = [];
    } else {
      folded.push(message);
    }
  }
  if (pending.length > 0) folded.push({ role: "user", content: pending.join("\n\n") });
  return folded;
}

/** The family of a model named by reference, when the catalog does not say: a guess from its name. */
export function guessPromptFamily(model: string): PromptFamily {
  const name = model.toLowerCase();
  if (name.startsWith("sim/")) return "plain";
  if (/llama-?3/.test(name)) return "llama3";
  if (name.includes("gemma")) return "gemma";
  if (/mistral|mixtral/.test(name)) return "mistral";
  return "chatml";
}
