/**
 * Stored junk refused by the input guard (src/input-checks.ts): names with NUL, bidi controls and lone
 * surrogates, non-http(s) image and logo URLs, markup in organization slugs; 400 with a code, nothing
 * written. Ordinary Unicode names pass untouched. docs/security.md, "Request limits".
 */
import { describe, expect, it } from "vitest";
import { authPost, one, organizationAdapters, organizationPeople, PASSWORD, uniqueEmail } from "./support/index.js";

// A JSON body keeps what JSON.stringify would repair: "\ud800" here is the six characters of the escape.
const LONE_SURROGATE_JSON = '"Ada \\ud800 Lovelace"';

const bad = [
  ["NUL", JSON.stringify("Ada\u0000Lovelace")],
  ["a right-to-left override (U+202E)", JSON.stringify("Ada \u202Egnp.exe")],
  ["a first-strong isolate (U+2068)", JSON.stringify("Ada \u2068x")],
  ["a lone surrogate", LONE_SURROGATE_JSON],
  ["a newline", JSON.stringify("Ada\nLovelace")],
] as const;

describe.each(organizationAdapters())("$name adapter: hostile input", (adapter) => {
  const { signedUp, ownedOrganization } = organizationPeople(adapter);
  const ordinary = "Zoë Ångström 山田太郎 👩🏽‍💻";

  it("refuses names with control, bidi or unpaired surrogate characters, at sign-up and on update; keeps ordinary Unicode", async () => {
    const signUp = await adapter.auth().handler(
      authPost("/sign-up/email", `{"email":${JSON.stringify(uniqueEmail(`${adapter.name}-hostile`))},"password":${JSON.stringify(PASSWORD)},"name":${LONE_SURROGATE_JSON}}`),
    );
    expect(signUp.status).toBe(400);
    expect(await signUp.json()).toMatchObject({ code: "INVALID_TEXT" });

    const user = await signedUp("hostile-name");
    for (const [label, name] of bad) {
      const res = await user.client.raw("/update-user", { method: "POST", headers: { "content-type": "application/json" }, body: `{"name":${name}}` });
      expect(res.status, label).toBe(400);
      expect(await res.json(), label).toMatchObject({ code: "INVALID_TEXT", message: expect.any(String) });
    }
    expect(await one("SELECT name FROM user WHERE id = ?", user.userId)).toEqual({ name: "User hostile-name" });

    expect((await user.client.post("/update-user", { name: ordinary })).status).toBe(200);
    expect(await one("SELECT name FROM user WHERE id = ?", user.userId)).toEqual({ name: ordinary });
  });

  it("refuses non-http(s) image URLs and keeps an https one", async () => {
    const user = await signedUp("hostile-image");
    for (const image of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "/relative.png", "vbscript:x"]) {
      const res = await user.client.post("/update-user", { image });
      expect(res.status, image).toBe(400);
      expect(res.body.code, image).toBe("INVALID_URL");
    }
    expect((await user.client.post("/update-user", { image: "https://example.com/ada.png" })).status).toBe(200);
    expect(await one("SELECT image FROM user WHERE id = ?", user.userId)).toEqual({ image: "https://example.com/ada.png" });
  });

  it("refuses markup in organization slugs, bidi in names and javascript: logos, at create and update", async () => {
    const { owner, organization } = await ownedOrganization("hostile");
    const slug = () => `${adapter.name}-hostile-${crypto.randomUUID().slice(0, 8)}`;
    const refused = [
      [{ name: "Acme", slug: "<img src=x onerror=alert(1)>" }, "INVALID_SLUG"],
      [{ name: "Acme", slug: "acme labs" }, "INVALID_SLUG"],
      [{ name: "Acme\u202E", slug: slug() }, "INVALID_TEXT"],
      [{ name: "Acme", slug: slug(), logo: "javascript:alert(1)" }, "INVALID_URL"],
    ] as const;
    for (const [body, code] of refused) {
      const res = await owner.client.post("/organization/create", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code, JSON.stringify(body)).toBe(code);
      expect(await one("SELECT id FROM organization WHERE slug = ?", body.slug)).toBeUndefined();
    }
    const update = await owner.client.post("/organization/update", { organizationId: organization.id, data: { slug: "</script>" } });
    expect(update.status).toBe(400);
    expect(update.body.code).toBe("INVALID_SLUG");
    expect(await one("SELECT slug FROM organization WHERE id = ?", organization.id)).toEqual({ slug: organization.slug });
    const team = await owner.client.post("/organization/create-team", { name: "Team\u0000" });
    expect(team.status).toBe(400);
    expect(team.body.code).toBe("INVALID_TEXT");

    const unicode = { name: "Café 東京 🚀", slug: `café-東京-${crypto.randomUUID().slice(0, 8)}`, logo: "https://example.com/logo.png" };
    expect((await owner.client.post("/organization/create", unicode)).status).toBe(200);
    expect(await one("SELECT name, logo FROM organization WHERE slug = ?", unicode.slug)).toEqual({ name: unicode.name, logo: unicode.logo });
  });
});
