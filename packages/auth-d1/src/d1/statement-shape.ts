/**
 * What the unit of work needs to know of a SQL statement: is it a read, and of which tables; or a plain
 * INSERT whose row can be rebuilt from its bound values. Anything it cannot tell is treated as a write it
 * must send at once, so correctness never depends on this parser understanding a statement.
 *
 * @module
 */

/** A single-row `INSERT INTO "t" (...) VALUES (...)`, optionally with `RETURNING`, and the row it writes. */
export interface InsertShape {
  table: string;
  /** Column name to the value D1 will store, in the statement's column order. */
  row: Map<string, unknown>;
  /** `undefined` without RETURNING, `"*"` for every column, or the columns named, in order. */
  returning: undefined | "*" | string[];
}

const INSERT = /^insert\s+into\s+"([^"]+)"\s*\(([^()]*)\)\s*values\s*\(([^()]*)\)\s*(?:returning\s+(.+?))?\s*;?\s*$/is;
const QUOTED = /^(?:"[^"]+"\.)?"([^"]+)"$/;
const TABLE_REF = /\b(?:from|join)\s+(?:"([^"]+)"|([A-Za-z_]\w*))/gi;

/** The statement as a queueable INSERT, or `undefined` when it is anything else or not understood. */
export function insertShape(sql: string, params: readonly unknown[]): InsertShape | undefined {
  const match = INSERT.exec(sql.trim());
  if (!match) return undefined;
  const [, table, columnList, valueList, returningList] = match;
  const columns = columnList!.split(",").map((c) => QUOTED.exec(c.trim())?.[1]);
  const values = valueList!.split(",").map((v) => v.trim().toLowerCase());
  if (columns.length !== values.length || columns.some((c) => c === undefined)) return undefined;
  const row = new Map<string, unknown>();
  let next = 0;
  for (const [i, token] of values.entries()) {
    if (token === "?") row.set(columns[i]!, storedValue(params[next++]));
    else if (token === "null") row.set(columns[i]!, null);
    else return undefined; // a literal or expression: D1 computes it, we would only guess
  }
  if (next !== params.length) return undefined;
  let returning: InsertShape["returning"];
  if (returningList !== undefined) {
    if (returningList.trim() === "*") returning = "*";
    else {
      const named = returningList.split(",").map((c) => QUOTED.exec(c.trim())?.[1]);
      if (named.some((c) => c === undefined)) return undefined;
      returning = named as string[];
    }
  }
  return { table: table!.toLowerCase(), row, returning };
}

/** The tables a SELECT reads, or `undefined` when the statement is not a plain read. */
export function tablesRead(sql: string): Set<string> | undefined {
  const text = sql.trim();
  if (!/^(select|with)\b/i.test(text)) return undefined;
  // A CTE or a write hidden in a WITH clause is not a plain read.
  if (/\b(insert|update|delete|replace)\b/i.test(text) && /^with\b/i.test(text)) return undefined;
  const tables = new Set<string>();
  for (const ref of text.matchAll(TABLE_REF)) tables.add((ref[1] ?? ref[2])!.toLowerCase());
  return tables;
}

/** What D1 gives back for a bound value: booleans become 0 and 1, `undefined` becomes NULL. */
function storedValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}
