/**
 * The tokens streamed so far of each prediction being streamed, for readers that join late: fed
 * by token events in order, dropped when the prediction ends. A buffer that missed its first
 * tokens (its process began listening mid-stream) answers nothing, so readers use the saved output.
 */
const MAX_STREAMS = 10_000;

interface Buffer {
  tokens: string[];
  complete: boolean;
}

export class TokenBuffers {
  private readonly streams = new Map<string, Buffer>();

  record(id: string, index: number, data: string): void {
    let buffer = this.streams.get(id);
    if (!buffer) {
      if (this.streams.size >= MAX_STREAMS) this.streams.delete(this.streams.keys().next().value as string);
      buffer = { tokens: [], complete: index === 0 };
      this.streams.set(id, buffer);
    }
    if (index === buffer.tokens.length) buffer.tokens.push(data);
    else if (index > buffer.tokens.length) buffer.complete = false;
  }

  soFar(id: string): readonly string[] | undefined {
    const buffer = this.streams.get(id);
    return buffer?.complete ? buffer.tokens : undefined;
  }

  end(id: string): void {
    this.streams.delete(id);
  }
}
