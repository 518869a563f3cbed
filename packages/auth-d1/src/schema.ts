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
  // presets.twoFactor
  twoFactorEnabled: integer("two_factor_enabled", { mode: "boolean" }).default(false),
  // presets.admin
  role: text("role"),
  banned: integer("banned", { mode: "boolean" }).default(false),
  banReason: text("ban_reason"),
  banExpires: isoDate("ban_expires"),
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
    // presets.organization
    activeOrganizationId: text("active_organization_id"),
    activeTeamId: text("active_team_id"),
    // presets.admin
    impersonatedBy: text("impersonated_by"),
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

/** presets.twoFactor: the TOTP secret and backup codes, both encrypted by better-auth. */
export const twoFactor = sqliteTable(
  "two_factor",
  {
    id: text("id").primaryKey(),
    secret: text("secret").notNull(),
    backupCodes: text("backup_codes").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    verified: integer("verified", { mode: "boolean" }).default(true),
    failedVerificationCount: integer("failed_verification_count").default(0),
    lockedUntil: isoDate("locked_until"),
  },
  (table) => [index("two_factor_secret_idx").on(table.secret), index("two_factor_user_id_idx").on(table.userId)],
);

/** presets.organization */
export const organization = sqliteTable("organization", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  slug: text("slug").notNull().unique(),
  logo: text("logo"),
  createdAt: isoDate("created_at").notNull(),
  metadata: text("metadata"),
});

/** presets.organization with `dynamicAccessControl`: roles defined at run time, per organization. */
export const organizationRole = sqliteTable(
  "organization_role",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    permission: text("permission").notNull(),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    updatedAt: isoDate("updated_at"),
  },
  (table) => [index("organization_role_organization_id_idx").on(table.organizationId), index("organization_role_role_idx").on(table.role)],
);

/** presets.organization with `teams` */
export const team = sqliteTable(
  "team",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    memberCount: integer("member_count").notNull().default(0),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    createdAt: isoDate("created_at").notNull(),
    updatedAt: isoDate("updated_at"),
  },
  (table) => [index("team_organization_id_idx").on(table.organizationId)],
);

/** presets.organization with `teams` */
export const teamMember = sqliteTable(
  "team_member",
  {
    id: text("id").primaryKey(),
    teamId: text("team_id")
      .notNull()
      .references(() => team.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    membershipKey: text("membership_key").unique(),
    createdAt: isoDate("created_at"),
  },
  (table) => [index("team_member_team_id_idx").on(table.teamId), index("team_member_user_id_idx").on(table.userId)],
);

/** presets.organization */
export const member = sqliteTable(
  "member",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
    role: text("role").notNull().default("member"),
    createdAt: isoDate("created_at").notNull(),
  },
  (table) => [index("member_organization_id_idx").on(table.organizationId), index("member_user_id_idx").on(table.userId)],
);

/** presets.organization */
export const invitation = sqliteTable(
  "invitation",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organization.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role"),
    teamId: text("team_id"),
    status: text("status").notNull().default("pending"),
    expiresAt: isoDate("expires_at").notNull(),
    createdAt: isoDate("created_at").notNull().default(isoNow),
    inviterId: text("inviter_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
  },
  (table) => [index("invitation_organization_id_idx").on(table.organizationId), index("invitation_email_idx").on(table.email)],
);

/** presets.passkey: WebAuthn credentials. */
export const passkey = sqliteTable(
  "passkey",
  {
    id: text("id").primaryKey(),
    name: text("name"),
    publicKey: text("public_key").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => user.id, { onDelete: "cascade" }),
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
export const jwks = sqliteTable("jwks", {
  id: text("id").primaryKey(),
  publicKey: text("public_key").notNull(),
  privateKey: text("private_key").notNull(),
  createdAt: isoDate("created_at").notNull(),
  expiresAt: isoDate("expires_at"),
  alg: text("alg"),
  crv: text("crv"),
});

// Relation keys follow better-auth's drizzle adapter: a model's name for one, the name plus "s" for many.
export const userRelations = relations(user, ({ many }) => ({
  sessions: many(session),
  accounts: many(account),
  twoFactors: many(twoFactor),
  passkeys: many(passkey),
  members: many(member),
  invitations: many(invitation),
  teamMembers: many(teamMember),
}));

export const sessionRelations = relations(session, ({ one }) => ({
  user: one(user, { fields: [session.userId], references: [user.id] }),
}));

export const accountRelations = relations(account, ({ one }) => ({
  user: one(user, { fields: [account.userId], references: [user.id] }),
}));

export const twoFactorRelations = relations(twoFactor, ({ one }) => ({
  user: one(user, { fields: [twoFactor.userId], references: [user.id] }),
}));

export const organizationRelations = relations(organization, ({ many }) => ({
  members: many(member),
  invitations: many(invitation),
  teams: many(team),
  organizationRoles: many(organizationRole),
}));

export const organizationRoleRelations = relations(organizationRole, ({ one }) => ({
  organization: one(organization, { fields: [organizationRole.organizationId], references: [organization.id] }),
}));

export const teamRelations = relations(team, ({ one, many }) => ({
  organization: one(organization, { fields: [team.organizationId], references: [organization.id] }),
  teamMembers: many(teamMember),
}));

export const teamMemberRelations = relations(teamMember, ({ one }) => ({
  team: one(team, { fields: [teamMember.teamId], references: [team.id] }),
  user: one(user, { fields: [teamMember.userId], references: [user.id] }),
}));

export const memberRelations = relations(member, ({ one }) => ({
  organization: one(organization, { fields: [member.organizationId], references: [organization.id] }),
  user: one(user, { fields: [member.userId], references: [user.id] }),
}));

export const invitationRelations = relations(invitation, ({ one }) => ({
  organization: one(organization, { fields: [invitation.organizationId], references: [organization.id] }),
  user: one(user, { fields: [invitation.inviterId], references: [user.id] }),
}));

export const passkeyRelations = relations(passkey, ({ one }) => ({
  user: one(user, { fields: [passkey.userId], references: [user.id] }),
}));

/** Every table and relation above, as the one object `drizzle(db, { schema })` and better-auth's adapter take. */
export const authSchema = {
  user,
  session,
  account,
  verification,
  rateLimit,
  twoFactor,
  organization,
  organizationRole,
  team,
  teamMember,
  member,
  invitation,
  passkey,
  jwks,
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
