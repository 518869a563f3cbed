/**
 * Read replication: each request runs its auth queries through one D1 Sessions API session, started from the
 * bookmark its client sent back, and answers with the session's newest bookmark.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { D1DatabaseBinding } from "../env.js";
import { AuthD1Error } from "../errors.js";
import { bookmarkSigner, type BookmarkSigner } from "./bookmark.js";
import { DEFAULT_BASE_PATH, pathsWhere } from "../integration/endpoint-policy.js";

/**
 * The `readReplication` option of `createAuth`: `true` for the defaults, or these settings.
 *
 * @example
 * ```ts
 * createAuth(env, { readReplication: { header: "x-bookmark", readOnlyPaths: ["/my-plugin/list"] } });
 * ```
 */
export interface ReadReplicationOptions {
  /**
   * The cookie that carries the bookmark, named like better-auth's own: `better-auth.d1_bookmark` by default
   * (`advanced.cookiePrefix` replaces `better-auth`; `__Secure-` is prepended when cookies are secure).
   */
  cookieName?: string;
  /** The request and response header that carries the bookmark for API clients. Defaults to `x-d1-bookmark`. */
  header?: string;
  /**
   * GET paths (after the base path) of your plugins that never write, added to the built-in list. Only these
   * start on a replica; every other request starts on the primary.
   */
  readOnlyPaths?: readonly string[];
}

/**
 * GET endpoints that only read, and so may start on any replica consistent with the client's bookmark:
 * `replica: "read-only"` in src/integration/endpoint-policy.ts. Every other request (POST, and GETs that verify
 * a token, finish an OAuth callback or create keys) starts on the primary. `/get-session` writes when it
 * extends a session (`session.updateAge`): D1 sends that write to the primary whatever replica the read came
 * from, and the bookmark then moves past it.
 */
export const READ_ONLY_PATHS: ReadonlySet<string> = pathsWhere((policy) => policy.replica === "read-only");

/** The part of a D1 binding with the Sessions API, as a real `D1Database` has it. */
export interface ReplicatedD1Binding extends D1DatabaseBinding {
  withSession(constraintOrBookmark?: string): D1SessionLike;
}

/** What this package uses of a `D1DatabaseSession`. */
export interface D1SessionLike {
  prepare(query: string): unknown;
  batch(statements: unknown[]): Promise<unknown[]>;
  getBookmark(): string | null;
}

interface RequestSession {
  session: D1SessionLike;
}

/** What {@link readReplicationFor} needs of the built better-auth instance. */
interface AuthLike {
  handler(request: Request): Promise<Response>;
  api: Record<string, unknown>;
  $context: Promise<unknown>;
}

interface CookieContext {
  createAuthCookie(name: string, attributes?: { maxAge?: number }): { name: string; attributes: Record<string, unknown> };
  sessionConfig: { expiresIn: number };
  options: { basePath?: string };
}

/**
 * The settings of the `readReplication` option, checked; `undefined` when it is off.
 *
 * @example
 * ```ts
 * const replication = readReplicationSettings(options.readReplication, env.DB, { secrets: ["..."], databaseName: "DB" });
 * ```
 */
export function readReplicationSettings(
  option: boolean | ReadReplicationOptions | undefined,
  database: D1DatabaseBinding,
  signing: { secrets: readonly string[]; databaseName: string },
): ReadReplication | undefined {
  if (option === undefined || option === false) return undefined;
  if (option !== true && (typeof option !== "object" || option === null)) {
    throw new AuthD1Error("OPTIONS_INVALID", "`readReplication` is `true` or `{ cookieName?, header?, readOnlyPaths? }`; remove it to read from the primary only.");
  }
  if (typeof (database as Partial<ReplicatedD1Binding>).withSession !== "function") {
    throw new AuthD1Error(
      "OPTIONS_INVALID",
      "`readReplication` needs a D1 binding with the Sessions API (`withSession`): pass env.DB itself, on a compatibility date from 2025 on, or remove `readReplication`.",
    );
  }
  const settings = option === true ? {} : option;
  for (const key of ["cookieName", "header"] as const) {
    const value = settings[key];
    if (value !== undefined && (typeof value !== "string" || !/^[A-Za-z0-9_.-]+$/.test(value))) {
      throw new AuthD1Error("OPTIONS_INVALID", `\`readReplication.${key}\` must be a cookie/header name of letters, digits, \`_\`, \`.\` and \`-\`; got ${JSON.stringify(value)}.`);
    }
  }
  const paths = settings.readOnlyPaths;
  if (paths !== undefined && (!Array.isArray(paths) || !paths.every((path) => typeof path === "string" && path.startsWith("/")))) {
    throw new AuthD1Error("OPTIONS_INVALID", "`readReplication.readOnlyPaths` lists endpoint paths after the base path, each starting with `/`: `[\"/my-plugin/list\"]`.");
  }
  return new ReadReplication(database as ReplicatedD1Binding, settings, bookmarkSigner(signing.secrets, signing.databaseName));
}

/**
 * One auth instance's read replication: the binding its adapter runs on, and the wrapper that gives each
 * request its own D1 session on that binding.
 */
export class ReadReplication {
  readonly #scope = new AsyncLocalStorage<RequestSession>();
  readonly #cookieName: string;
  readonly #header: string;
  readonly #readOnly: ReadonlySet<string>;

  constructor(
    readonly primary: ReplicatedD1Binding,
    settings: ReadReplicationOptions,
    readonly bookmarks: BookmarkSigner,
  ) {
    this.#cookieName = settings.cookieName ?? "d1_bookmark";
    this.#header = (settings.header ?? "x-d1-bookmark").toLowerCase();
    this.#readOnly = new Set([...READ_ONLY_PATHS, ...(settings.readOnlyPaths ?? [])]);
  }

  /**
   * The binding to build the adapter on: `prepare` and `batch` go to the current request's D1 session, or to
   * the primary outside any request. A session has no `exec`; nothing of better-auth's calls it, so it goes
   * to the primary.
   */
  binding(): D1DatabaseBinding {
    const current = (): D1SessionLike | D1DatabaseBinding => this.#scope.getStore()?.session ?? this.primary;
    return {
      prepare: (query) => current().prepare(query),
      batch: (statements) => current().batch(statements),
      exec: (query) => this.primary.exec(query),
    };
  }

  /**
   * `auth` whose `handler` (and `fetch`) runs each request in a D1 session and sets the bookmark on the
   * response, and whose `api` calls made outside a request start their session from the bookmark in the
   * `headers` they are given.
   */
  wrap<A extends AuthLike>(auth: A): A {
    const handler = async (request: Request): Promise<Response> => {
      const context = (await auth.$context) as CookieContext;
      const path = pathOf(request, context.options.basePath);
      const readOnly = (request.method === "GET" || request.method === "HEAD") && this.#readOnly.has(path);
      const cookie = context.createAuthCookie(this.#cookieName, { maxAge: context.sessionConfig.expiresIn });
      const sent = request.headers.get(this.#header) ?? cookieValue(request.headers, cookie.name);
      const { session, bookmark } = await this.#open(sent, readOnly);
      const response = await this.#scope.run({ session }, () => auth.handler(request));
      const latest = session.getBookmark();
      if (latest === null) return response;
      const token = await this.bookmarks.sign(latest);
      // A redirect's headers are immutable: the answer is copied before the bookmark is added.
      const answer = new Response(response.body, response);
      answer.headers.set(this.#header, token);
      if (latest !== bookmark) answer.headers.append("set-cookie", serializeCookie(cookie.name, token, cookie.attributes));
      return answer;
    };
    const api = Object.fromEntries(Object.entries(auth.api).map(([key, endpoint]) => [key, this.#joining(endpoint, auth)]));
    return Object.assign(Object.create(Object.getPrototypeOf(auth) as object) as A, auth, { handler, fetch: handler, api });
  }

  /** The session a request starts: from its verified bookmark when it only reads, else on the primary. */
  async #open(token: string | null | undefined, readOnly: boolean): Promise<{ session: D1SessionLike; bookmark: string | undefined }> {
    const bookmark = token ? await this.bookmarks.verify(token) : undefined;
    // A write reads what it changes from the primary; a bookmark that fails its check is not trusted at all.
    const start = !readOnly || (token && bookmark === undefined) ? "first-primary" : (bookmark ?? "first-unconstrained");
    return { session: this.primary.withSession(start), bookmark };
  }

  /** An `auth.api` endpoint that, called outside any request, runs in a session of its own. */
  #joining(endpoint: unknown, auth: AuthLike): unknown {
    if (typeof endpoint !== "function") return endpoint;
    const call = endpoint as ((input?: { headers?: HeadersInit }) => Promise<unknown>) & { path?: string };
    const wrapped = async (input?: { headers?: HeadersInit }) => {
      if (this.#scope.getStore()) return call(input);
      const context = (await auth.$context) as CookieContext;
      const headers = new Headers(input?.headers);
      const sent = headers.get(this.#header) ?? cookieValue(headers, context.createAuthCookie(this.#cookieName).name);
      const { session } = await this.#open(sent, call.path !== undefined && this.#readOnly.has(call.path));
      return this.#scope.run({ session }, () => call(input));
    };
    // better-call and callers read `path` and `options` from the endpoint itself.
    return Object.assign(wrapped, call);
  }
}

function pathOf(request: Request, basePath = DEFAULT_BASE_PATH): string {
  const pathname = new URL(request.url).pathname;
  const base = basePath.replace(/\/$/, "");
  return pathname.startsWith(base) ? pathname.slice(base.length) || "/" : pathname;
}

function cookieValue(headers: Headers, name: string): string | undefined {
  for (const pair of (headers.get("cookie") ?? "").split(";")) {
    const separator = pair.indexOf("=");
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim();
  }
  return undefined;
}

function serializeCookie(name: string, value: string, attributes: Record<string, unknown>): string {
  const parts = [`${name}=${value}`];
  if (typeof attributes.maxAge === "number") parts.push(`Max-Age=${Math.floor(attributes.maxAge)}`);
  if (typeof attributes.domain === "string") parts.push(`Domain=${attributes.domain}`);
  parts.push(`Path=${typeof attributes.path === "string" ? attributes.path : "/"}`);
  if (attributes.httpOnly !== false) parts.push("HttpOnly");
  if (attributes.secure) parts.push("Secure");
  if (attributes.partitioned) parts.push("Partitioned");
  if (typeof attributes.sameSite === "string") parts.push(`SameSite=${attributes.sameSite[0]!.toUpperCase()}${attributes.sameSite.slice(1)}`);
  return parts.join("; ");
}
