/**
 * The Drizzle recipe from docs/schema-and-migrations.md ("Custom user fields"), as code the tests run.
 * Keep it in step with the page: the page's copy is type-checked, this one is executed.
 */
import { betterAuth } from "better-auth/minimal";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { readAuthEnv, type AuthD1Env } from "../../src/index.js";
import { drizzleD1Adapter } from "../../src/drizzle.js";
import { authSchema } from "../../src/schema.js";

// Our `user` table, column for column, plus yours. Add the preset columns too if you turn presets on.
export const user = sqliteTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
  companyName: text("company_name"),
});

const userFields = {
  additionalFields: { companyName: { type: "string", required: false } },
} as const;

function build(env: AuthD1Env) {
  const { database, secret, secrets, baseURL, trustedOrigins } = readAuthEnv(env);
  return betterAuth({
    database: drizzleD1Adapter(database, { ...authSchema, user }),
    secret,
    secrets,
    baseURL,
    trustedOrigins,
    emailAndPassword: { enabled: true },
    user: userFields,
    rateLimit: { storage: "database" },
    advanced: { ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] } },
  });
}

const cache = new WeakMap<object, ReturnType<typeof build>>();

/** One instance per env object, like createAuth. */
export function createAppAuth(env: AuthD1Env): ReturnType<typeof build> {
  let auth = cache.get(env);
  if (!auth) cache.set(env, (auth = build(env)));
  return auth;
}
