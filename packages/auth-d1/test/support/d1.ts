/**
 * Reads rows straight from the test D1 binding, to assert what a request left in the database.
 */
import { env } from "cloudflare:test";

/** How both adapters store a date in D1 (and how better-auth returns one in JSON): ISO 8601 text, UTC, milliseconds. */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export async function rows<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}

/** The first row, or undefined. */
export async function one<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T | undefined> {
  return (await rows<T>(sql, ...params))[0];
}

/** How many sessions a user has in D1. */
export async function sessionCount(userId: string): Promise<number> {
  return (await rows<{ n: number }>("SELECT count(*) AS n FROM session WHERE user_id = ?", userId))[0]!.n;
}
