/**
 * The whole example in a real browser: Debian's Chromium driven by playwright-core against `wrangler dev` on
 * loopback. One journey, step by step; each step asserts what the page shows and leaves a screenshot in
 * test-results/browser/.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, totp } from "../support.js";
import { addVirtualAuthenticator, launchChromium, loopbackContext, screenshot, type WatchedContext } from "./browser.js";
import { startWorker, type RunningWorker } from "./worker.js";

const run = Date.now().toString(36);
const ada = `ada-${run}@example.com`;
const bob = `bob-${run}@example.com`;
const organizationName = `Acme Labs ${run}`;

let worker: RunningWorker;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Every browser context of the journey: after each step, none may have problems (requests off loopback, console errors, CSP violations). */
const contexts: WatchedContext[] = [];
/** The base32 secret the profile page showed at enrolment: an authenticator app's copy of it. */
let totpSecret: string;

async function text(testId: string, of: Page = page): Promise<string> {
  const element = of.getByTestId(testId).first();
  await element.waitFor();
  return ((await element.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

async function signOut(): Promise<void> {
  await page.getByTestId("sign-out").click();
  await page.waitForURL(/notice=signed-out/);
  expect(await text("session-state")).toContain("Not signed in");
}

async function submitPassword(of: Page, email: string): Promise<void> {
  await of.locator("#sign-in").getByLabel("Email").fill(email);
  await of.locator("#sign-in").getByLabel("Password").fill(PASSWORD);
  await of.getByTestId("sign-in-submit").click();
}

/** Keeps the context's problems for the check after each step. */
function watched(browserContext: WatchedContext): BrowserContext {
  contexts.push(browserContext);
  return browserContext.context;
}

/** The link the Worker logged for a mail, as a developer reads it from the `wrangler dev` output. */
async function mailedLink(subject: string, to: string): Promise<string> {
  const prefix = `[mail] ${subject} (to ${to}): `;
  await expect.poll(() => worker.log.some((line) => line.includes(prefix)), { timeout: 10_000 }).toBe(true);
  const line = worker.log.findLast((entry) => entry.includes(prefix))!;
  return line.slice(line.indexOf(prefix) + prefix.length).trim();
}

describe("the hono-drizzle example in Chromium", () => {
  beforeAll(async () => {
    worker = await startWorker();
    browser = await launchChromium();
    context = watched(await loopbackContext(browser));
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
  });

  afterEach(() => {
    expect(contexts.flatMap(({ problems }) => problems.splice(0))).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
  });

  it("signs up, opened on 127.0.0.1 as in wrangler's banner and moved to localhost", async () => {
    await page.goto(`${worker.loopbackURL}/sign-up`);
    expect(page.url()).toBe(`${worker.url}/sign-up`);
    await page.getByLabel("Name").fill("Ada");
    await page.getByLabel("Email").fill(ada);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByTestId("sign-up-submit").click();
    await page.waitForURL((url) => url.pathname === "/profile");
    expect(await text("signed-in-as")).toContain(`Signed in as ${ada}`);
    expect(await mailedLink("Verify your email address", ada)).toContain("/api/auth/verify-email?token=");
    await screenshot(page, "signed-up");
  });

  it("signs out and back in with the password, and a next=/%09/evil.example keeps it on the origin", async () => {
    await signOut();
    // Chromium strips the tab from "/\t/evil.example" and would read "//evil.example": another site.
    await page.goto(`${worker.url}/sign-in?next=/%09/evil.example`);
    await submitPassword(page, ada);
    await page.waitForURL(`${worker.url}/profile`);
    expect(await text("signed-in-as")).toContain(ada);
    await screenshot(page, "signed-in");
  });

  it("turns on TOTP with a code computed from the secret on the page", async () => {
    await page.locator("#enable-two-factor").getByLabel("Password").fill(PASSWORD);
    await page.getByTestId("enable-two-factor").click();
    totpSecret = await text("totp-secret");
    expect(await page.locator('[data-testid="totp-qr"] svg').count()).toBe(1);
    expect(await page.getByTestId("backup-code").count()).toBe(10);
    await screenshot(page, "totp-enrolment");
    await page.locator("#verify-totp").getByLabel("Code from your authenticator app").fill(totp(totpSecret));
    await page.getByTestId("verify-totp").click();
    await page.waitForURL(/notice=two-factor-on/);
    expect(await text("two-factor-status")).toContain("Two-factor authentication is on");
    await screenshot(page, "totp-on");
  });

  it("asks for the second factor at the next sign-in", async () => {
    await signOut();
    await submitPassword(page, ada);
    await page.getByTestId("second-factor").waitFor({ state: "visible" });
    expect(page.url()).not.toMatch(/\/profile/);
    await screenshot(page, "second-factor");
    await page.getByLabel("Code from your authenticator app").fill(totp(totpSecret));
    await page.getByTestId("totp-submit").click();
    await page.waitForURL((url) => url.pathname === "/profile");
    expect(await text("signed-in-as")).toContain(ada);
  });

  it("registers a passkey with Chromium's virtual authenticator", async () => {
    await addVirtualAuthenticator(page);
    await page.getByLabel("Passkey name (optional)").fill("Laptop");
    await page.getByTestId("add-passkey").click();
    await page.waitForURL(/notice=passkey-added/);
    expect(await text("notice")).toContain("Passkey added");
    expect(await text("passkey")).toContain("Laptop");
    await screenshot(page, "passkey-added");
  });

  it("signs in with the passkey alone", async () => {
    await signOut();
    await page.getByTestId("passkey-sign-in").click();
    await page.waitForURL((url) => url.pathname === "/profile");
    expect(await text("signed-in-as")).toContain(ada);
    await screenshot(page, "passkey-sign-in");
  });

  it("creates an organization and invites a second user, who accepts in another browser", async () => {
    await page.goto(`${worker.url}/organizations`);
    await page.locator("#create-organization").getByLabel("Name").fill(organizationName);
    await page.getByTestId("create-organization").click();
    await page.waitForURL(/notice=organization-created/);
    expect(await text("active-organization")).toContain(organizationName);
    await page.locator("#invite-member").getByLabel("Email").fill(bob);
    await page.getByTestId("invite-member").click();
    await page.waitForURL(/notice=invitation-sent/);
    expect(await text("pending-invitation")).toContain(bob);
    await screenshot(page, "invited");

    const link = await mailedLink(`Join ${organizationName}`, bob);
    const bobContext = watched(await loopbackContext(browser));
    const bobPage = await bobContext.newPage();
    bobPage.setDefaultTimeout(15_000);
    await bobPage.goto(link);
    await bobPage.getByRole("link", { name: "create an account" }).click();
    await bobPage.getByLabel("Name").fill("Bob");
    await bobPage.getByLabel("Email").fill(bob);
    await bobPage.getByLabel("Password").fill(PASSWORD);
    await bobPage.getByTestId("sign-up-submit").click();
    // The sign-up page's own URL names the invitation in `next`: wait for the page the form moves to, or the
    // navigation below races the form's and is aborted.
    await bobPage.waitForURL((url) => url.pathname.startsWith("/accept-invitation"));
    // presets.organization lets only a verified address accept: Bob follows his verification mail first.
    await bobPage.goto(await mailedLink("Verify your email address", bob));
    await bobPage.goto(link);
    await bobPage.getByTestId("accept-invitation").click();
    await bobPage.waitForURL(/notice=invitation-accepted/);
    expect(await text("active-organization", bobPage)).toContain(organizationName);
    await screenshot(bobPage, "bob-joined");
    await bobContext.close();

    await page.reload();
    expect(await text("members")).toContain(bob);
    await screenshot(page, "members");
  });

  it("is styled by the Worker's stylesheet and fits a phone's screen", async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    for (const path of ["/profile", "/organizations", "/sign-in"]) {
      await page.goto(`${worker.url}${path}`);
      const layout = await page.evaluate(() => ({
        sheets: Array.from(document.styleSheets, (sheet) => [sheet.href ? new URL(sheet.href).pathname : "inline", sheet.cssRules.length] as const),
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        mainWidth: document.querySelector("main")!.getBoundingClientRect().width,
      }));
      expect(layout.sheets).toEqual([["/assets/style.css", expect.any(Number)]]);
      expect(layout.sheets[0]![1]).toBeGreaterThan(20);
      // Nothing wider than the screen: no sideways scrolling.
      expect(layout.overflow, path).toBeLessThanOrEqual(0);
      expect(layout.mainWidth).toBeLessThanOrEqual(360);
      await screenshot(page, `phone${path.replace(/\//g, "-")}`);
    }
  });

  it("signs a new user up and in by a link in a mail, with no password", async () => {
    const carol = `carol-${run}@example.com`;
    const carolContext = watched(await loopbackContext(browser));
    const carolPage = await carolContext.newPage();
    carolPage.setDefaultTimeout(15_000);
    await carolPage.goto(`${worker.url}/sign-in`);
    await carolPage.getByRole("link", { name: "a link by mail" }).click();
    await carolPage.getByLabel("Email").fill(carol);
    await carolPage.getByTestId("magic-link-submit").click();
    await carolPage.getByTestId("magic-link-sent").waitFor();
    await carolPage.goto(await mailedLink("Sign in to auth-d1 example", carol));
    await carolPage.waitForURL((url) => url.pathname === "/profile");
    expect(await text("signed-in-as", carolPage)).toContain(carol);
    await screenshot(carolPage, "magic-link-signed-in");
    await carolContext.close();
  });

  it("signs in by a code in a mail, with no password", async () => {
    const dave = `dave-${run}@example.com`;
    const daveContext = watched(await loopbackContext(browser));
    const davePage = await daveContext.newPage();
    davePage.setDefaultTimeout(15_000);
    await davePage.goto(`${worker.url}/sign-in`);
    await davePage.getByRole("link", { name: "a code by mail" }).click();
    await davePage.getByLabel("Email").fill(dave);
    await davePage.getByTestId("email-code-submit").click();
    const code = (await mailedLink("Your auth-d1 example code", dave)).replace(/^code /, "");
    await davePage.getByLabel("The code from the mail").fill(code);
    await davePage.getByTestId("code-submit").click();
    await davePage.waitForURL((url) => url.pathname === "/profile");
    expect(await text("signed-in-as", davePage)).toContain(dave);
    await screenshot(davePage, "email-code-signed-in");
    await daveContext.close();
  });
});
