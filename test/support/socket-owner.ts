/**
 * Which local process holds the client end of a TCP connection, by the port it came from: a
 * server sees only that port, and Linux's /proc says which process has the socket open. Asked
 * while the connection is open (an HTTP client keeps it a few seconds after its request).
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** The socket inodes whose local port is `port`, from /proc/net/tcp and tcp6. */
function socketsOnPort(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const inode = fields[9];
      if (!local || !inode || inode === "0") continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port)
        inodes.add(`socket:[${inode}]`);
    }
  }
  return inodes;
}

/** Which of `pids` has the socket of local port `port` open; undefined when none (or it is closed). */
export function ownerOfPort(port: number, pids: readonly number[]): number | undefined {
  const sockets = socketsOnPort(port);
  if (sockets.size === 0) return undefined;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
