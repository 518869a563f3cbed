import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import app from "../src/index.js";
import { SCALAR_SCRIPT } from "../src/reference.js";
import { uniqueEmail } from "./support.js";
import { call, captureMailLog, signUp } from "./worker.js";

captureMailLog();

/** The Content-Security-Policy of a response, directive by directive. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get("content-security-policy");
  if (header === null) throw new Error(`no Content-Security-Policy on ${res.url}`);
  return new Map(header.split(";").map((part) => {
    const [name, ...sources] = part.trim().split(/\s+/);
    return [name!, sources];
  }));
}

/** The opening tags of the page's `<script>` elements that run (not JSON data blocks). */
function runnableScripts(page: string): string[] {
  return (page.match(/<script\b[^>]*>/g) ?? []).filter((tag) => !/type="application\/json"/.test(tag));
}

function expectFrameAndSniffingHeaders(res: Response): void {
  expect(csp(res).get("frame-ancestors")).toEqual(["'none'"]);
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("same-origin");
}

describe("security headers on the pages", () => {
  it("every page runs only scripts with its response's nonce, styles from the Worker, and may not be framed", async () => {
    const cookie = await signUp(uniqueEmail());
    const nonces = new Set<string>();
    for (const path of ["/", "/sign-up", "/sign-in?next=/profile", "/profile", "/organizations", "/accept-invitation/some-id"]) {
      const res = await call(path, { cookie });
      const page = await res.text();
      // The invitation page answers better-auth's refusal (400) for an id that is not one, as a page all the same.
      expect(res.headers.get("content-type"), path).toMatch(/^text\/html/);
      expectFrameAndSniffingHeaders(res);

      const policy = csp(res);
      const scriptSrc = policy.get("script-src") ?? [];
      expect(scriptSrc, path).toHaveLength(1);
      const nonce = /^'nonce-([A-Za-z0-9+/=]{22,})'$/.exec(scriptSrc[0]!)?.[1];
      expect(nonce, path).toBeDefined();
      nonces.add(nonce!);
      const scripts = runnableScripts(page);
      expect(scripts.length, path).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag, path).toBe(`<script nonce="${nonce}">`);

      expect(policy.get("default-src")).toEqual(["'none'"]);
      expect(policy.get("style-src")).toEqual(["'self'"]);
      expect(policy.get("connect-src")).toEqual(["'self'"]);
      expect(policy.get("form-action")).toEqual(["'self'"]);
      expect(page).toContain('<link rel="stylesheet" href="/assets/style.css" />');
      expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1" />');
      expect(page).not.toMatch(/<style|\sstyle="/);
    }
    // A new nonce for every response.
    expect(nonces.size).toBe(6);
  });

  it("refusals and JSON answers carry them too", async () => {
    for (const res of [
      await call("/profile/two-factor", { method: "POST", body: new URLSearchParams(), origin: "https://evil.example" }),
      await call("/nowhere"),
      await call("/api/auth/get-session"),
    ]) {
      expectFrameAndSniffingHeaders(res);
      expect(csp(res).get("script-src")?.join(" ")).not.toContain("unsafe");
    }
  });

  it("the stylesheet is served by the Worker, as CSS", async () => {
    const res = await call("/assets/style.css");

    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const css = await res.text();
    expect(css).toContain("@media (max-width:");
    expect(css).not.toMatch(/@import|url\(/);
  });
});

describe("the API reference", () => {
  it("in local development loads only the pinned viewer, checked by its hash, and the CSP allows exactly that", async () => {
    const res = await call("/api/auth/reference");
    const page = await res.text();

    expect(res.status).toBe(200);
    expectFrameAndSniffingHeaders(res);
    expect(runnableScripts(page)).toEqual([`<script src="${SCALAR_SCRIPT.src}" integrity="${SCALAR_SCRIPT.integrity}" crossorigin="anonymous">`]);
    expect(SCALAR_SCRIPT.src).toMatch(/@\d+\.\d+\.\d+\//);
    expect(SCALAR_SCRIPT.integrity).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
    const policy = csp(res);
    expect(policy.get("script-src")).toEqual([SCALAR_SCRIPT.src]);
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(page).toContain("/api/auth/open-api/generate-schema");
  });

  it("is off on a deployed Worker (BETTER_AUTH_URL on https): 404, and better-auth's own page is off too", async () => {
    const deployed = { ...env, BETTER_AUTH_URL: "https://auth.example.com" };
    const res = await app.fetch(new Request("https://auth.example.com/api/auth/reference"), deployed, createExecutionContext());

    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain("cdn.jsdelivr.net");
  });

  it("the schema it shows lists every preset's endpoints", async () => {
    const res = await call("/api/auth/open-api/generate-schema");

    expect(res.status).toBe(200);
    const { paths } = await res.json<{ paths: Record<string, unknown> }>();
    for (const path of [
      "/sign-in/email",
      "/two-factor/enable",
      "/organization/create",
      "/organization/create-team",
      "/organization/create-role",
      "/admin/list-users",
      "/passkey/generate-register-options",
      "/token",
    ]) {
      expect(Object.keys(paths)).toContain(path);
    }
  });
});
