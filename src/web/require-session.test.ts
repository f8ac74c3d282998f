import { expect, it } from "vitest";
import { localPath } from "./require-session.ts";

it("keeps a return path on this site and sends anything else to the playground", () => {
  expect(localPath("/predictions?status=failed#top")).toBe("/predictions?status=failed#top");
  expect(localPath("/p/abc")).toBe("/p/abc");
  for (const elsewhere of [
    undefined,
    "",
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "/\t/evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
  ])
    expect(localPath(elsewhere), String(elsewhere)).toBe("/playground");
});
