/** Progress of a prediction on stderr: a spinner on a terminal, otherwise one line per status change. */
import ora from "ora";

export interface Progress {
  update(status: string): void;
  stop(): void;
}

/** Spinners and bars redraw endlessly on a terminal that reports no width, so those get plain lines. */
export function canRedraw(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY && stream.columns);
}

export function createProgress(id: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const startedAt = Date.now();
  const label = (status: string) => `${id} ${status} ${((Date.now() - startedAt) / 1000).toFixed(1)}s`;
  if (!canRedraw(stream)) {
    let last = "";
    return {
      update(status) {
        if (status === last) return;
        last = status;
        stream.write(`${label(status)}\n`);
      },
      stop() {},
    };
  }
  const spinner = ora({ stream, discardStdin: false });
  return {
    update(status) {
      spinner.text = label(status);
      if (!spinner.isSpinning) spinner.start();
    },
    stop() {
      spinner.stop();
    },
  };
}
