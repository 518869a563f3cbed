/**
 * The one schema both adapters share: snake_case columns, ISO-8601 TEXT dates, integer booleans.
 * Drizzle maps it through the property names below; Kysely through its case plugin. The SQL in
 * `migrations/` is generated from this file by drizzle-kit.
 *
 * @module
 */
import { relations, sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** `strftime` with milliseconds gives the same text as `Date.prototype.toISOString()`. */
const isoNow = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * A date stored as ISO-8601 TEXT. The drizzle adapter writes `Date`s into text columns as ISO strings and
 * reads them back as `Date`s; text compares in time order, so `expires_at < ?` means what it says.
 */
function isoDate(name: string) {
  return text(name);
}

/** Users. */
export const user = sqliteTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: isoDate("created_at").notNull().default(isoNow),
  updatedAt: isoDate("updated_at").notNull().default(isoNow),
});

/** Sessions, one row per signed-in device. */
export const session = sqliteTable(
  "session",
  {
    id: text("id").primaryKey(),
    expiresAt: isoDate("expires_at").notNull(),
    token: text("token").notNull().unique(),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    updatedAt: isoDate("updated_at").notNull().default(isoNow),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
  },
  (table) => [index("session_user_id_idx").on(table.userId)],
);

/** Credentials and linked social accounts. */
export const account = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    accessToken: text("access_token"),
    refreshToken: text("refresh_token"),
    idToken: text("id_token"),
    accessTokenExpiresAt: isoDate("access_token_expires_at"),
    refreshTokenExpiresAt: isoDate("refresh_token_expires_at"),
    scope: text("scope"),
    password: text("password"),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    updatedAt: isoDate("updated_at").notNull().default(isoNow),
  },
  (table) => [index("account_user_id_idx").on(table.userId)],
);

/** Email verification, password reset and other one-time tokens. */
export const verification = sqliteTable(
  "verification",
  {
    id: text("id").primaryKey(),
    identifier: text("identifier").notNull(),
    value: text("value").notNull(),
    expiresAt: isoDate("expires_at").notNull(),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    updatedAt: isoDate("updated_at").notNull().default(isoNow),
  },
  (table) => [index("verification_identifier_idx").on(table.identifier)],
);

/** Rate-limit counters. D1, not KV: KV is eventually consistent and cannot increment atomically. */
export const rateLimit = sqliteTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  lastRequest: integer("last_request").notNull(),
});

export const userRelations = relations(user, ({ many }) => ({
  sessions: many(session),
  accounts: many(account),
}));

export const sessionRelations = relations(session, ({ one }) => ({
  user: one(user, { fields: [session.userId], references: [user.id] }),
}));

export const accountRelations = relations(account, ({ one }) => ({
  user: one(user, { fields: [account.userId], references: [user.id] }),
}));
