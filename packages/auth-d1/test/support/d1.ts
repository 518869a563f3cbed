/**
 * Reads rows straight from the test D1 binding, to assert what a request left in the database.
 */
import { env } from "cloudflare:test";

export async function rows<T = Record<string, any>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}
