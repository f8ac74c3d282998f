/** What a signed output link of gengate looks like: `<base>/files/<sha256>.<ext>?expires=…&sig=…`. */
export function signedFileLink(base: string, extension: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped}/files/[a-f0-9]{64}\\.${extension}\\?expires=\\d+&sig=[\\w-]{43}$`);
}

/** The link with its signature's first character changed (always to another one). */
export function forgedFileLink(link: string): string {
  return link.replace(/sig=(.)/, (_, first: string) => `sig=${first === "A" ? "B" : "A"}`);
}
