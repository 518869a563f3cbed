/**
 * Input limits better-auth does not set: a request body cap and lengths for the user's own fields.
 *
 * @module
 */
import type { BetterAuthPlugin } from "better-auth";
import { APIError } from "better-auth/api";
import { AUTH_D1_REQUEST_ERROR_CODES, type AuthD1RequestErrorCode } from "./errors.js";
import { assertImageURL, assertPlainText } from "./input-checks.js";

/**
 * Limits on what a request may write.
 *
 * @example
 * ```ts
 * createAuth(env, { limits: { maxBodyBytes: 16 * 1024, maxNameLength: 100 } });
 * ```
 */
export interface InputLimits {
  /** Largest request body accepted, in bytes. Default 64 KiB; larger bodies get 413 `PAYLOAD_TOO_LARGE`. */
  maxBodyBytes?: number;
  /** Longest user name, in characters. Default 256. */
  maxNameLength?: number;
  /** Longest image URL, in characters. Default 2048. */
  maxImageLength?: number;
}

const EMAIL_MAX_LENGTH = 254;

/** better-auth's own names for the statuses it answers without a body. */
const STATUS_CODES: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "TOO_MANY_REQUESTS",
};

/** The guard's codes in the shape better-auth plugins declare as `$ERROR_CODES`. */
const GUARD_ERROR_CODES = Object.fromEntries(
  Object.entries(AUTH_D1_REQUEST_ERROR_CODES).map(([code, message]) => [code, { code, message }]),
) as { [K in AuthD1RequestErrorCode]: { readonly code: K; message: string } };

/**
 * A plugin `createAuth` always adds. Without it a 1 MB name is stored as is: local D1 takes it, and a
 * production row can hold 2 MB; so are a name with NUL or U+202E and a `javascript:` image URL (see
 * ./input-checks.ts). Field checks run as database hooks, so `auth.api.*` calls meet them too.
 */
export function inputGuard(limits: InputLimits = {}): BetterAuthPlugin {
  const maxBodyBytes = limits.maxBodyBytes ?? 64 * 1024;
  const fieldLimits: Record<string, number> = {
    name: limits.maxNameLength ?? 256,
    email: EMAIL_MAX_LENGTH,
    image: limits.maxImageLength ?? 2048,
  };
  const checkUser = async (user: Record<string, unknown>): Promise<void> => {
    for (const [field, max] of Object.entries(fieldLimits)) {
      const value = user[field];
      if (typeof value === "string" && value.length > max) {
        throw new APIError("BAD_REQUEST", {
          code: GUARD_ERROR_CODES.FIELD_TOO_LONG.code,
          message: `${field} has ${value.length} characters; at most ${max} are allowed.`,
        });
      }
    }
    assertPlainText("name", user.name);
    assertImageURL("image", user.image);
  };
  return {
    id: "auth-d1-input-guard",
    $ERROR_CODES: GUARD_ERROR_CODES,
    async onRequest(request) {
      if (await bodyExceeds(request, maxBodyBytes)) {
        const message = `The request body is larger than ${maxBodyBytes} bytes.`;
        return { response: Response.json({ code: GUARD_ERROR_CODES.PAYLOAD_TOO_LARGE.code, message }, { status: 413 }) };
      }
    },
    init() {
      return {
        options: {
          databaseHooks: {
            user: {
              create: { before: checkUser },
              update: { before: checkUser },
            },
          },
        },
      };
    },
  };
}

/**
 * A plugin `createAuth` adds after the failed-commit one (whose answer to a failed commit must win): every
 * error answer gets a JSON `code`.
 */
export function errorCodes(): BetterAuthPlugin {
  return {
    id: "auth-d1-error-codes",
    // better-auth answers some refusals with an empty or plain-text body (401 on a signed-out admin call) or
    // with a message and no code; clients read `code` from every error, so each gets one.
    async onResponse(response) {
      if (response.status < 400) return;
      const text = (await response.clone().text()).trim();
      const parsed = parseObject(text);
      if (typeof parsed?.code === "string") return;
      const headers = new Headers(response.headers);
      headers.set("content-type", "application/json");
      headers.delete("content-length");
      const code = STATUS_CODES[response.status] ?? `HTTP_${response.status}`;
      const body = parsed ? { ...parsed, code } : { code, message: text.slice(0, 200) || response.statusText || code };
      return { response: new Response(JSON.stringify(body), { status: response.status, statusText: response.statusText, headers }) };
    },
  };
}

async function bodyExceeds(request: Request, limit: number): Promise<boolean> {
  if (request.body === null) return false;
  const declared = request.headers.get("content-length");
  if (declared !== null) return Number(declared) > limit;
  // No length declared (a streamed body): count a copy, stopping as soon as the limit is passed.
  const reader = request.clone().body!.getReader();
  let seen = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return false;
    seen += value.byteLength;
    if (seen > limit) {
      await reader.cancel();
      return true;
    }
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
