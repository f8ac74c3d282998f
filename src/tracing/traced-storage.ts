/** A span around each write to the blob store (put and delete), with the area and the bytes stored. */
import type { BlobStorage } from "../storage/blob-storage.ts";
import { inSpan, tracing } from "./tracing.ts";

export function tracedStorage(storage: BlobStorage): BlobStorage {
  if (!tracing().enabled) return storage;
  const system = storage.location.split(":", 1)[0] ?? "storage";
  const put: BlobStorage["put"] = (source, extension, maxBytes, area = "public") =>
    inSpan(
      "storage put",
      { kind: "client", attributes: { "gengate.storage": system, "gengate.storage.area": area } },
      async (span) => {
        const stored = await storage.put(source, extension, maxBytes, area);
        span.setAttribute("gengate.storage.bytes", stored.size);
        return stored;
      },
    );
  const remove: BlobStorage["delete"] = (key) =>
    inSpan("storage delete", { kind: "client", attributes: { "gengate.storage": system } }, () =>
      storage.delete(key),
    );
  return new Proxy(storage, {
    get(target, name) {
      if (name === "put") return put;
      if (name === "delete") return remove;
      const value: unknown = Reflect.get(target, name, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
