/**
 * Debian's Chromium driven by playwright-core, kept on loopback: every request to another host is aborted
 * (and recorded), and the flags stop Chromium's own background traffic. No browser is ever downloaded.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-results", "browser");

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
    ],
  });
}

/** A browser profile and what went wrong in it. */
export interface WatchedContext {
  context: BrowserContext;
  /**
   * Every request to a host other than loopback (aborted), console error, uncaught page error and
   * Content-Security-Policy violation in the context's pages, as text. The journey expects none.
   */
  problems: string[];
}

/** A fresh browser profile (its own cookies) that can only reach the loopback interface, and its problems. */
export async function loopbackContext(browser: Browser): Promise<WatchedContext> {
  const context = await browser.newContext();
  const problems: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    const { hostname } = new URL(url);
    if (hostname === "localhost" || hostname === "127.0.0.1") return route.continue();
    problems.push(`left loopback: ${url}`);
    return route.abort("blockedbyclient");
  });
  // Runs before the page's own script. Chromium reports a violation on the console as well; this names the
  // directive and what it blocked.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.effectiveDirective} blocked ${event.blockedURI || "an inline script or style"}`);
    });
  });
  context.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error on ${message.page()?.url()}: ${message.text()}`);
  });
  context.on("weberror", (error) => problems.push(`uncaught on ${error.page()?.url()}: ${error.error().message}`));
  return { context, problems };
}

/** Chromium's virtual WebAuthn authenticator (CDP), as a platform authenticator with user verification. */
export async function addVirtualAuthenticator(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
}

let shot = 0;
/** Saves a numbered full-page screenshot under test-results/browser/, kept as a CI artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  shot += 1;
  await page.screenshot({ path: join(ARTIFACTS, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
}
