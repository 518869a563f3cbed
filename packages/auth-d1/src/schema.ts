/**
 * The one schema both adapters share: snake_case columns, ISO-8601 TEXT dates, integer booleans.
 * Drizzle maps it through the property names below; Kysely through its case plugin. The SQL in
 * `migrations/` is generated from this file by drizzle-kit. Each `*Table` is one table and each `*Relations`
 * its Drizzle relations; `authSchema` holds them all.
 *
 * @example
 * ```ts
 * import { drizzle } from "drizzle-orm/d1";
 * import { eq } from "drizzle-orm";
 * import { authSchema, userTable } from "@acme/auth-d1/schema";
 *
 * const db = drizzle(env.DB, { schema: authSchema });
 * const [user] = await db.select().from(userTable).where(eq(userTable.email, "ada@example.com"));
 * ```
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
export const userTable = sqliteTable("user", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  email: text("email").notNull().unique(),
  emailVerified: integer("email_verified", { mode: "boolean" }).notNull().default(false),
  image: text("image"),
  createdAt: isoDate("created_at").notNull().default(isoNow),
  updatedAt: isoDate("updated_at").notNull().default(isoNow),
  // presets.twoFactor
  twoFactorEnabled: integer("two_factor_enabled", { mode: "boolean" }).default(false),
  // presets.admin
  role: text("role"),
  banned: integer("banned", { mode: "boolean" }).default(false),
  banReason: text("ban_reason"),
  banExpires: isoDate("ban_expires"),
});

/** Sessions, one row per signed-in device. */
export const sessionTable = sqliteTable(
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
      .references(() => userTable.id, { onDelete: "cascade" }),
    // presets.organization
    activeOrganizationId: text("active_organization_id"),
    activeTeamId: text("active_team_id"),
    // presets.admin
    impersonatedBy: text("impersonated_by"),
  },
  (table) => [index("session_user_id_idx").on(table.userId)],
);

/** Credentials and linked social accounts. */
export const accountTable = sqliteTable(
  "account",
  {
    id: text("id").primaryKey(),
    accountId: text("account_id").notNull(),
    providerId: text("provider_id").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => userTable.id, { onDelete: "cascade" }),
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
export const verificationTable = sqliteTable(
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

/**
 * Rate-limit counters. D1, not KV: KV is eventually consistent and cannot increment atomically. `key` is
 * `ip:<address>:<rule>` or `account:<group>:<hash>`; `last_request` holds when the counter's current window
 * opened (ms since the epoch), and `count` the requests in it.
 */
export const rateLimitTable = sqliteTable("rate_limit", {
  id: text("id").primaryKey(),
  key: text("key").notNull().unique(),
  count: integer("count").notNull(),
  /** When the current window opened (ms): the name is better-auth's field, `lastRequest`. */
  lastRequest: integer("last_request").notNull(),
});

/** presets.twoFactor: the TOTP secret and backup codes, both encrypted by better-auth. */
export const twoFactorTable = sqliteTable(
  "two_factor",
  {
    id: text("id").primaryKey(),
    secret: text("secret").notNull(),
    backupCodes: text("backup_codes").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => userTable.id, { onDelete: "cascade" }),
    verified: integer("verified", { mode: "boolean" }).default(true),
    failedVerificationCount: integer("failed_verification_count").default(0),
    lockedUntil: isoDate("locked_until"),
  },
  (table) => [index("two_factor_secret_idx").on(table.secret), index("two_factor_user_id_idx").on(table.userId)],
);

/** presets.organization */
export const organizationTable = sqliteTable("organization", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  logo: text("logo"),
  createdAt: isoDate("created_at").notNull(),
  metadata: text("metadata"),
});

/** presets.organization with `dynamicAccessControl`: roles defined at run time, per organization. */
export const organizationRoleTable = sqliteTable(
  "organization_role",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizationTable.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    permission: text("permission").notNull(),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    updatedAt: isoDate("updated_at"),
  },
  (table) => [index("organization_role_organization_id_idx").on(table.organizationId), index("organization_role_role_idx").on(table.role)],
);

/** presets.organization with `teams` */
export const teamTable = sqliteTable(
  "team",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    memberCount: integer("member_count").notNull().default(0),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizationTable.id, { onDelete: "cascade" }),
    createdAt: isoDate("created_at").notNull(),
    updatedAt: isoDate("updated_at"),
  },
  (table) => [index("team_organization_id_idx").on(table.organizationId)],
);

/** presets.organization with `teams` */
export const teamMemberTable = sqliteTable(
  "team_member",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => teamTable.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => userTable.id, { onDelete: "cascade" }),
    membershipKey: text("membership_key").unique(),
    createdAt: isoDate("created_at"),
  },
  (table) => [index("team_member_team_id_idx").on(table.teamId), index("team_member_user_id_idx").on(table.userId)],
);

/** presets.organization */
export const memberTable = sqliteTable(
  "member",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizationTable.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => userTable.id, { onDelete: "cascade" }),
    role: text("role").notNull().default("member"),
    createdAt: isoDate("created_at").notNull(),
  },
  (table) => [index("member_organization_id_idx").on(table.organizationId), index("member_user_id_idx").on(table.userId)],
);

/** presets.organization */
export const invitationTable = sqliteTable(
  "invitation",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizationTable.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role"),
    teamId: text("team_id"),
    status: text("status").notNull().default("pending"),
    expiresAt: isoDate("expires_at").notNull(),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    inviterId: text("inviter_id")
      .notNull()
      .references(() => userTable.id, { onDelete: "cascade" }),
  },
  (table) => [index("invitation_organization_id_idx").on(table.organizationId), index("invitation_email_idx").on(table.email)],
);

/** presets.passkey: WebAuthn credentials. */
export const passkeyTable = sqliteTable(
  "passkey",
  {
    id: text("id").primaryKey(),
    name: text("name"),
    publicKey: text("public_key").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => userTable.id, { onDelete: "cascade" }),
    credentialID: text("credential_id").notNull(),
    counter: integer("counter").notNull(),
    deviceType: text("device_type").notNull(),
    backedUp: integer("backed_up", { mode: "boolean" }).notNull(),
    transports: text("transports"),
    createdAt: isoDate("created_at"),
    aaguid: text("aaguid"),
  },
  (table) => [index("passkey_user_id_idx").on(table.userId), index("passkey_credential_id_idx").on(table.credentialID)],
);

/** presets.jwt: signing keys, the private half encrypted by better-auth. */
export const jwksTable = sqliteTable("jwks", {
  id: text("id").primaryKey(),
  publicKey: text("public_key").notNull(),
  privateKey: text("private_key").notNull(),
  createdAt: isoDate("created_at").notNull(),
  expiresAt: isoDate("expires_at"),
  alg: text("alg"),
  crv: text("crv"),
});

// Relation keys follow better-auth's drizzle adapter: a model's name for one, the name plus "s" for many.
/** Drizzle relations of `userTable`: its sessions, accounts, second factors, passkeys, memberships, invitations sent and team memberships. */
export const userRelations = relations(userTable, ({ many }) => ({
  sessions: many(sessionTable),
  accounts: many(accountTable),
  twoFactors: many(twoFactorTable),
  passkeys: many(passkeyTable),
  members: many(memberTable),
  invitations: many(invitationTable),
  teamMembers: many(teamMemberTable),
}));

/** Drizzle relations of `sessionTable`: the user a session belongs to. */
export const sessionRelations = relations(sessionTable, ({ one }) => ({
  user: one(userTable, { fields: [sessionTable.userId], references: [userTable.id] }),
}));

/** Drizzle relations of `accountTable`: the user an account (password or social sign-in) belongs to. */
export const accountRelations = relations(accountTable, ({ one }) => ({
  user: one(userTable, { fields: [accountTable.userId], references: [userTable.id] }),
}));

/** Drizzle relations of `twoFactorTable`: the user a second factor belongs to. */
export const twoFactorRelations = relations(twoFactorTable, ({ one }) => ({
  user: one(userTable, { fields: [twoFactorTable.userId], references: [userTable.id] }),
}));

/** Drizzle relations of `organizationTable`: its members, invitations, teams and custom roles. */
export const organizationRelations = relations(organizationTable, ({ many }) => ({
  members: many(memberTable),
  invitations: many(invitationTable),
  teams: many(teamTable),
  organizationRoles: many(organizationRoleTable),
}));

/** Drizzle relations of `organizationRoleTable`: the organization a custom role belongs to. */
export const organizationRoleRelations = relations(organizationRoleTable, ({ one }) => ({
  organization: one(organizationTable, { fields: [organizationRoleTable.organizationId], references: [organizationTable.id] }),
}));

/** Drizzle relations of `teamTable`: its organization and its members. */
export const teamRelations = relations(teamTable, ({ one, many }) => ({
  organization: one(organizationTable, { fields: [teamTable.organizationId], references: [organizationTable.id] }),
  teamMembers: many(teamMemberTable),
}));

/** Drizzle relations of `teamMemberTable`: the team and the user of a team membership. */
export const teamMemberRelations = relations(teamMemberTable, ({ one }) => ({
  team: one(teamTable, { fields: [teamMemberTable.teamId], references: [teamTable.id] }),
  user: one(userTable, { fields: [teamMemberTable.userId], references: [userTable.id] }),
}));

/** Drizzle relations of `memberTable`: the organization and the user of a membership. */
export const memberRelations = relations(memberTable, ({ one }) => ({
  organization: one(organizationTable, { fields: [memberTable.organizationId], references: [organizationTable.id] }),
  user: one(userTable, { fields: [memberTable.userId], references: [userTable.id] }),
}));

/** Drizzle relations of `invitationTable`: the organization invited to and the user who invited. */
export const invitationRelations = relations(invitationTable, ({ one }) => ({
  organization: one(organizationTable, { fields: [invitationTable.organizationId], references: [organizationTable.id] }),
  user: one(userTable, { fields: [invitationTable.inviterId], references: [userTable.id] }),
}));

/** Drizzle relations of `passkeyTable`: the user a passkey belongs to. */
export const passkeyRelations = relations(passkeyTable, ({ one }) => ({
  user: one(userTable, { fields: [passkeyTable.userId], references: [userTable.id] }),
}));

/**
 * Every table and relation above, as the one object `drizzle(db, { schema })` and better-auth's adapter take.
 *
 * @example
 * ```ts
 * import { drizzle } from "drizzle-orm/d1";
 * import { authSchema } from "@acme/auth-d1/schema";
 *
 * const db = drizzle(env.DB, { schema: authSchema });
 * const users = await db.query.user.findMany({ with: { sessions: true } });
 * ```
 */
export const authSchema = {
  user: userTable,
  session: sessionTable,
  account: accountTable,
  verification: verificationTable,
  rateLimit: rateLimitTable,
  twoFactor: twoFactorTable,
  organization: organizationTable,
  organizationRole: organizationRoleTable,
  team: teamTable,
  teamMember: teamMemberTable,
  member: memberTable,
  invitation: invitationTable,
  passkey: passkeyTable,
  jwks: jwksTable,
  userRelations,
  sessionRelations,
  accountRelations,
  twoFactorRelations,
  organizationRelations,
  organizationRoleRelations,
  teamRelations,
  teamMemberRelations,
  memberRelations,
  invitationRelations,
  passkeyRelations,
};
