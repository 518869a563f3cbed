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

/** A single-table `UPDATE` or `DELETE` the unit can answer from a read and hold until its commit. */
export interface WriteShape {
  kind: "update" | "delete";
  table: string;
  /** The SET list of an UPDATE, in order: each column and the SQL expression it takes. */
  assignments: { column: string; expression: string }[];
  /** The WHERE condition, or `undefined` when the statement has none (every row). */
  where: string | undefined;
  /** How many of the parameters belong to the SET list; the rest belong to WHERE. */
  setParams: number;
  /** `undefined` without RETURNING, `"*"` for every column, or the columns named, in order. */
  returning: undefined | "*" | string[];
}

const UPDATE_HEAD = /^update\s+"([^"]+)"\s+set\s+/i;
const DELETE_HEAD = /^delete\s+from\s+"([^"]+)"\s*/i;

/**
 * The statement as an UPDATE or DELETE of one table whose rows a SELECT can find first, or `undefined`
 * (UPSERTs, `UPDATE OR ...`, joins in FROM, anything else): the unit sends those at once.
 */
export function writeShape(sql: string, params: readonly unknown[]): WriteShape | undefined {
  const text = sql.trim().replace(/;\s*$/, "");
  const head = UPDATE_HEAD.exec(text) ?? DELETE_HEAD.exec(text);
  if (!head) return undefined;
  const kind = /^update/i.test(text) ? "update" : "delete";
  const rest = text.slice(head[0].length);
  const parts = splitTopLevel(rest, ["where", "returning"]);
  if (!parts) return undefined;
  const { head: setList, where, returning: returningList } = parts;
  if (kind === "delete" && setList.trim() !== "") return undefined;
  const assignments: WriteShape["assignments"] = [];
  if (kind === "update") {
    for (const item of splitCommas(setList)) {
      const match = /^(?:"[^"]+"\.)?"([^"]+)"\s*=\s*([\s\S]+)$/.exec(item.trim());
      if (!match) return undefined;
      assignments.push({ column: match[1]!, expression: match[2]!.trim() });
    }
    if (assignments.length === 0) return undefined;
  }
  const setParams = countParams(setList);
  if (setParams + (where === undefined ? 0 : countParams(where)) !== params.length) return undefined;
  let returning: WriteShape["returning"];
  if (returningList !== undefined) {
    if (returningList.trim() === "*") returning = "*";
    else {
      const named = splitCommas(returningList).map((c) => QUOTED.exec(c.trim())?.[1]);
      if (named.some((c) => c === undefined)) return undefined;
      returning = named as string[];
    }
  }
  return { kind, table: head[1]!.toLowerCase(), assignments, where, setParams, returning };
}

/**
 * `text` cut at the top-level keywords given, in that order and each at most once: outside parentheses,
 * string literals and quoted names. `undefined` when a keyword is out of order or repeated.
 */
function splitTopLevel(text: string, keywords: readonly string[]): { head: string; [keyword: string]: string | undefined } | undefined {
  const cuts: { keyword: string; at: number; end: number }[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      if (close < 0) return undefined;
      i = close;
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (depth === 0 && /[a-z]/i.test(c) && (i === 0 || /\s|\)/.test(text[i - 1]!))) {
      const word = /^[a-z_]+/i.exec(text.slice(i))![0].toLowerCase();
      if (keywords.includes(word)) cuts.push({ keyword: word, at: i, end: i + word.length });
      i += word.length - 1;
    }
  }
  const order = cuts.map((cut) => keywords.indexOf(cut.keyword));
  if (order.some((n, i) => i > 0 && n <= order[i - 1]!)) return undefined;
  const parts: { head: string; [keyword: string]: string | undefined } = { head: text.slice(0, cuts[0]?.at ?? text.length) };
  for (const [i, cut] of cuts.entries()) parts[cut.keyword] = text.slice(cut.end, cuts[i + 1]?.at ?? text.length).trim();
  return parts;
}

/** `text` split at its top-level commas. */
function splitCommas(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') i = Math.max(i, text.indexOf(c, i + 1));
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
  }
  items.push(text.slice(start));
  return items.filter((item) => item.trim() !== "");
}

/** The `?` placeholders in `text`, outside string literals and quoted names. */
function countParams(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') i = Math.max(i, text.indexOf(c, i + 1));
    else if (c === "?") count++;
  }
  return count;
}

/** The columns a `select "a", "b" from "t" ...` names, in order, or `undefined` for any other select list. */
export function selectedColumns(sql: string): string[] | undefined {
  const match = /^select\s+((?:"[^"]+"\s*,\s*)*"[^"]+")\s+from\s+"[^"]+"/i.exec(sql.trim());
  return match ? match[1]!.split(",").map((column) => column.trim().slice(1, -1)) : undefined;
}

/** What D1 gives back for a bound value: booleans become 0 and 1, `undefined` becomes NULL. */
export function storedValue(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}
