/** The requests an HTTP server is answering, so that a stopping process can let them finish. */
import type { Server } from "node:http";

export class OpenRequests {
  private count = 0;
  private readonly waiters = new Set<() => void>();

  constructor(server: Server) {
    server.on("request", (_request, response) => {
      this.count++;
      response.once("close", () => {
        this.count--;
        if (this.count === 0) for (const wake of this.waiters) wake();
      });
    });
  }

  /** Resolves once no request is open, or at `deadline`. */
  settled(deadline: number): Promise<void> {
    if (this.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      this.waiters.add(done);
    });
  }
}
