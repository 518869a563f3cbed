import { describe, expect, it } from "vitest";
import { safeNext } from "../src/pages/layout.js";
import { ORIGIN } from "./support.js";
import { call } from "./worker.js";

// What a browser makes of each `next` once the page hands it to `location.assign`: every one of these
// leads to evil.example (tab, newline and carriage return are stripped; a backslash reads as a slash).
const LEAVING = [
  "/\t/evil.example",
  "/\n/evil.example",
  "/\r/evil.example",
  "\t//evil.example",
  "//evil.example",
  "/\\evil.example",
  "\\\\evil.example",
  "/.//evil.example",
  "/..//evil.example",
  "https://evil.example/profile",
  "http://localhost:8787@evil.example/",
  "HTTP://evil.example",
  "javascript:alert(1)",
  "data:text/html,hi",
  "http://localhost:8788/profile",
];

describe("safeNext", () => {
  it.each(LEAVING)("drops %j", (next) => {
    expect(safeNext(next, ORIGIN)).toBeUndefined();
  });

  it("keeps a path on the origin, with its query and fragment", () => {
    expect(safeNext("/accept-invitation/abc?x=1#top", ORIGIN)).toBe("/accept-invitation/abc?x=1#top");
    expect(safeNext(`${ORIGIN}/organizations`, ORIGIN)).toBe("/organizations");
    expect(safeNext("/profile/../organizations", ORIGIN)).toBe("/organizations");
    expect(safeNext(undefined, ORIGIN)).toBeUndefined();
    expect(safeNext("", ORIGIN)).toBeUndefined();
  });
});

describe("/sign-in?next=", () => {
  it.each(["/%09/evil.example", "/%0a/evil.example", "/%0d/evil.example", "/%5Cevil.example"])("drops %s from the page", async (next) => {
    const body = await (await call(`/sign-in?next=${next}`)).text();

    expect(body).toContain('<form id="sign-in" data-next="">');
  });
});
