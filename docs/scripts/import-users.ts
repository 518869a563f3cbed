/**
 * Copies users and their linked sign-in accounts from Clerk or Auth.js into the tables of @acme/auth-d1.
 * Copy this file into your project; docs/migrating.md explains the mapping and how to run it.
 * Rows are written with `db.batch()`, one batch per chunk of users (each batch is atomic), and every insert
 * skips rows that are already there, so running it again after a partial or complete import is safe.
 */

/** A row for our `user` table. */
export interface ImportUser {
  id: string;
  name: string;
  email: string;
  emailVerified: boolean;
  image: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A row for our `account` table: a social sign-in (`providerId` "google", `accountId` the provider's user id) or a password ("credential"). */
export interface ImportAccount {
  userId: string;
  providerId: string;
  accountId: string;
  password?: string | null;
  accessToken?: string | null;
  refreshToken?: string | null;
  idToken?: string | null;
  accessTokenExpiresAt?: Date | null;
  scope?: string | null;
}

/** What the converters produce; `skipped` names source users that cannot be imported (no email address). */
export interface ImportBatch {
  users: ImportUser[];
  accounts: ImportAccount[];
  skipped: string[];
}

/** A user as Clerk's Backend API and `clerk migrate export` give it, plus the dashboard CSV's password columns if you merged them in. */
export interface ClerkUser {
  id: string;
  first_name: string | null;
  last_name: string | null;
  username?: string | null;
  image_url?: string | null;
  has_image?: boolean;
  primary_email_address_id: string | null;
  email_addresses: Array<{ id: string; email_address: string; verification: { status: string } | null }>;
  external_accounts?: Array<{ provider: string; provider_user_id: string; approved_scopes?: string | null }>;
  password_digest?: string | null;
  password_hasher?: string | null;
  created_at: number;
  updated_at: number;
}

/** A row of Auth.js's `users` table. */
export interface AuthJsUser {
  id: string;
  name: string | null;
  email: string | null;
  emailVerified: string | number | Date | null;
  image: string | null;
}

/** A row of Auth.js's `accounts` table. */
export interface AuthJsAccount {
  userId: string;
  type: string;
  provider: string;
  providerAccountId: string;
  access_token?: string | null;
  refresh_token?: string | null;
  id_token?: string | null;
  expires_at?: number | null;
  scope?: string | null;
}

/** Clerk users, their verified primary email, their social accounts and (bcrypt only) their password hashes. */
export function fromClerk(clerkUsers: ClerkUser[]): ImportBatch {
  const batch: ImportBatch = { users: [], accounts: [], skipped: [] };
  for (const clerk of clerkUsers) {
    const primary = clerk.email_addresses.find((address) => address.id === clerk.primary_email_address_id) ?? clerk.email_addresses[0];
    if (!primary) {
      batch.skipped.push(clerk.id);
      continue;
    }
    const email = primary.email_address.toLowerCase();
    const name = [clerk.first_name, clerk.last_name].filter(Boolean).join(" ") || clerk.username || email.split("@")[0]!;
    const image = clerk.has_image === false ? null : (clerk.image_url ?? null);
    const verified = primary.verification?.status === "verified";
    batch.users.push({ id: clerk.id, name, email, emailVerified: verified, image, createdAt: new Date(clerk.created_at), updatedAt: new Date(clerk.updated_at) });
    for (const external of clerk.external_accounts ?? []) {
      const providerId = external.provider.replace(/^oauth_/, "");
      batch.accounts.push({ userId: clerk.id, providerId, accountId: external.provider_user_id, scope: external.approved_scopes ?? null });
    }
    if (clerk.password_digest && clerk.password_hasher === "bcrypt") {
      batch.accounts.push({ userId: clerk.id, providerId: "credential", accountId: clerk.id, password: clerk.password_digest });
    }
  }
  return batch;
}

/** Auth.js users and their OAuth/OIDC accounts. Auth.js keeps no passwords, so there are no credential accounts. */
export function fromAuthJs(tables: { users: AuthJsUser[]; accounts: AuthJsAccount[] }, now: Date = new Date()): ImportBatch {
  const batch: ImportBatch = { users: [], accounts: [], skipped: [] };
  for (const user of tables.users) {
    if (!user.email) {
      batch.skipped.push(user.id);
      continue;
    }
    const email = user.email.toLowerCase();
    const name = user.name || email.split("@")[0]!;
    batch.users.push({ id: user.id, name, email, emailVerified: user.emailVerified != null, image: user.image, createdAt: now, updatedAt: now });
  }
  const imported = new Set(batch.users.map((user) => user.id));
  for (const account of tables.accounts) {
    if (!imported.has(account.userId) || (account.type !== "oauth" && account.type !== "oidc")) continue;
    batch.accounts.push({
      userId: account.userId,
      providerId: account.provider,
      accountId: account.providerAccountId,
      accessToken: account.access_token,
      refreshToken: account.refresh_token,
      idToken: account.id_token,
      accessTokenExpiresAt: account.expires_at ? new Date(account.expires_at * 1000) : null,
      scope: account.scope,
    });
  }
  return batch;
}

const INSERT_USER = `INSERT INTO user (id, name, email, email_verified, image, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`;
// Only for a user that exists (it may have been skipped as a duplicate email) and a sign-in not yet linked.
const INSERT_ACCOUNT = `INSERT INTO account (id, user_id, provider_id, account_id, password, access_token, refresh_token,
  id_token, access_token_expires_at, scope, created_at, updated_at)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11
  WHERE EXISTS (SELECT 1 FROM user WHERE id = ?2)
    AND NOT EXISTS (SELECT 1 FROM account WHERE provider_id = ?3 AND account_id = ?4)
  ON CONFLICT DO NOTHING`;

/**
 * Writes `batch` into D1, `chunkSize` users (with their accounts) per atomic `db.batch()`, and returns how
 * many rows were new. Account ids are derived from the provider and the provider's user id, so a second run
 * finds them and writes nothing twice.
 */
export async function importUsers(db: D1Database, batch: ImportBatch, options: { chunkSize?: number } = {}): Promise<{ users: number; accounts: number }> {
  const chunkSize = options.chunkSize ?? 50;
  const written = { users: 0, accounts: 0 };
  const now = new Date().toISOString();
  for (let start = 0; start < batch.users.length; start += chunkSize) {
    const users = batch.users.slice(start, start + chunkSize);
    const ids = new Set(users.map((user) => user.id));
    const accounts = batch.accounts.filter((account) => ids.has(account.userId));
    const statements = [
      ...users.map((u) => db.prepare(INSERT_USER).bind(u.id, u.name, u.email, u.emailVerified ? 1 : 0, u.image, u.createdAt.toISOString(), u.updatedAt.toISOString())),
      ...accounts.map((a) =>
        db.prepare(INSERT_ACCOUNT).bind(`${a.providerId}:${a.accountId}`, a.userId, a.providerId, a.accountId, a.password ?? null, a.accessToken ?? null,
          a.refreshToken ?? null, a.idToken ?? null, a.accessTokenExpiresAt?.toISOString() ?? null, a.scope ?? null, now),
      ),
    ];
    const results = await db.batch(statements);
    results.forEach((result, index) => (written[index < users.length ? "users" : "accounts"] += result.meta.changes));
  }
  return written;
}
