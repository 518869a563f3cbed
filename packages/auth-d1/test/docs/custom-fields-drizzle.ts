/**
 * The Drizzle recipe from docs/schema-and-migrations.md ("Custom user fields"), as code the tests run.
 * Keep it in step with the page: the page's copy is type-checked, this one is executed.
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { createAuth, type DrizzleAuthD1Options } from "../../src/drizzle.js";
import type { AuthD1Env } from "../../src/index.js";
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

const options = {
  schema: { ...authSchema, user },
  user: { additionalFields: { companyName: { type: "string", required: false } } },
} satisfies DrizzleAuthD1Options;

export function createAppAuth(env: AuthD1Env) {
  return createAuth(env, options);
}
