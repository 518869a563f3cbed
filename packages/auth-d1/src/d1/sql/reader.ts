/**
 * Reading a statement's tokens: where a clause starts and ends, what a name or a list is. ./classify.ts decides
 * what a statement is with these; anything they cannot place throws {@link Opaque}.
 *
 * @module
 */
import type { Returning } from "./classify.js";
import type { Token } from "./tokenize.js";

/** Stops a parse: the statement is `opaque` for the reason given. */
export class Opaque extends Error {}

/** Words that end a FROM item, so they are never read as a table's alias. */
const CLAUSE_WORDS = new Set([
  "where", "group", "having", "order", "limit", "offset", "union", "intersect", "except", "window",
  "join", "inner", "left", "right", "full", "cross", "natural", "outer", "on", "using", "returning", "set", "values", "as",
]);

/** A token range, `start` included and `end` not. */
export interface Span {
  start: number;
  end: number;
}

/** A token list and the statement it came from; every `index` is a position in the list. */
export interface Reader {
  sql: string;
  tokens: readonly Token[];
  /** Every table qualifier of a column the statement names (`"t"."c"`), for the one-table check of a plain read. */
  qualifiers: Set<string>;
}

export function readerOf(sql: string, tokens: readonly Token[]): Reader {
  const r: Reader = { sql, tokens, qualifiers: new Set() };
  for (let index = 0; index + 2 < tokens.length; index++) {
    if ((tokens[index]!.kind === "name" || tokens[index]!.kind === "word") && isPunct(r, index + 1, ".") && tokens[index + 2]!.kind === "name") r.qualifiers.add(tokens[index]!.value);
  }
  return r;
}

/**
 * Whether these tokens are one of the unit of work's overlay CTE bodies for `table`: `SELECT <columns | *>
 * FROM main."table" [WHERE "id" NOT IN (?, ...)] [UNION ALL VALUES (?, ...), ...]`.
 */
export function isOverlayOf(r: Reader, table: string): boolean {
  const from = r.tokens.findIndex((token) => token.kind === "word" && token.value === "from");
  if (!isWord(r, 0, "select") || from < 2) return false;
  const star = from === 2 && isPunct(r, 1, "*");
  if (!star && !commaSeparated(r, 1, from).every((item) => item.end - item.start === 1 && r.tokens[item.start]!.kind === "name")) return false;
  if (!match(r, from, ["from", "main", ".", "name"]) || r.tokens[from + 3]!.value !== table) return false;
  let index = from + 4;
  if (match(r, index, ["where", "name", "not", "in", "("]) && r.tokens[index + 1]!.value === "id") {
    const close = closingParen(r, index + 4);
    if (!onlyParams(r, index + 5, close)) return false;
    index = close + 1;
  }
  if (match(r, index, ["union", "all", "values"])) {
    index += 3;
    for (;;) {
      if (!isPunct(r, index, "(")) return false;
      const close = closingParen(r, index);
      if (!onlyParams(r, index + 1, close)) return false;
      index = close + 1;
      if (!isPunct(r, index, ",")) break;
      index++;
    }
  }
  return index === r.tokens.length;
}

/** Whether the tokens from `start` to `end` are `?, ?, ...` and nothing else. */
export function onlyParams(r: Reader, start: number, end: number): boolean {
  return end > start && commaSeparated(r, start, end).every((item) => item.end - item.start === 1 && r.tokens[item.start]!.kind === "param");
}

/** The tokens from `start` to `end` as a reader of their own (a subquery). */
export function slice(r: Reader, start: number, end: number): Reader {
  return readerOf(r.sql, r.tokens.slice(start, end));
}

export function isWord(r: Reader, index: number, word: string): boolean {
  const token = r.tokens[index];
  return token?.kind === "word" && token.value === word;
}

export function isPunct(r: Reader, index: number, punct: string): boolean {
  const token = r.tokens[index];
  return token?.kind === "punct" && token.value === punct;
}

/**
 * Whether the tokens from `index` follow `pattern`: a word in lower case, `name` for a quoted name, or a
 * punctuation mark.
 */
export function match(r: Reader, index: number, pattern: readonly string[]): boolean {
  return pattern.every((expected, offset) => {
    const token = r.tokens[index + offset];
    if (token === undefined) return false;
    if (expected === "name") return token.kind === "name";
    return /^\w+$/.test(expected) ? token.kind === "word" && token.value === expected : token.kind === "punct" && token.value === expected;
  });
}

/** The statement's text from token `start` to token `end` (excluded), as written. */
export function text(r: Reader, start: number, end: number): string {
  return r.sql.slice(r.tokens[start]!.start, r.tokens[end - 1]!.end);
}

/** The index of the `)` closing the `(` at `open`. */
export function closingParen(r: Reader, open: number): number {
  let depth = 0;
  for (let index = open; index < r.tokens.length; index++) {
    if (isPunct(r, index, "(")) depth++;
    else if (isPunct(r, index, ")") && --depth === 0) return index;
  }
  throw new Opaque("unbalanced parentheses");
}

/** The table named at `index`, in lower case; a schema-qualified name is opaque. */
export function tableName(r: Reader, index: number): string {
  const token = r.tokens[index];
  if (token?.kind !== "name" && token?.kind !== "word") throw new Opaque("a table that is not a name");
  if (isPunct(r, index + 1, ".")) throw new Opaque("a schema-qualified name");
  return token.value.toLowerCase();
}

/** The index past a FROM item's alias at `index` (`as "x"`, or a bare name), if it has one. */
export function skipAlias(r: Reader, index: number): number {
  if (isWord(r, index, "as")) return index + 2;
  const token = r.tokens[index];
  if (token?.kind === "name" || (token?.kind === "word" && !CLAUSE_WORDS.has(token.value))) return index + 1;
  return index;
}

/** A column at `index`: `"c"`, or `"t"."c"` (with `t` equal to `table` when given). */
export function columnName(r: Reader, index: number, table?: string): { name: string; end: number } | undefined {
  const first = r.tokens[index];
  if (first?.kind === "name" && isPunct(r, index + 1, ".")) {
    const second = r.tokens[index + 2];
    if (second?.kind !== "name" || (table !== undefined && first.value.toLowerCase() !== table)) return undefined;
    return { name: second.value, end: index + 3 };
  }
  return first?.kind === "name" ? { name: first.value, end: index + 1 } : undefined;
}

/** The names of a `"a", "b"` list between `start` and `end`. */
export function nameList(r: Reader, start: number, end: number): string[] {
  const names: string[] = [];
  for (const item of commaSeparated(r, start, end)) {
    const column = columnName(r, item.start);
    if (column === undefined || column.end !== item.end) throw new Opaque("a list of something other than column names");
    names.push(column.name);
  }
  return names;
}

/** The items of a comma-separated list between `start` and `end`, split at its top-level commas. */
export function commaSeparated(r: Reader, start: number, end: number): Span[] {
  const items: Span[] = [];
  let from = start;
  let depth = 0;
  for (let index = start; index < end; index++) {
    if (isPunct(r, index, "(")) depth++;
    else if (isPunct(r, index, ")")) depth--;
    else if (depth === 0 && isPunct(r, index, ",")) {
      items.push({ start: from, end: index });
      from = index + 1;
    }
  }
  if (from < end) items.push({ start: from, end });
  if (items.some((item) => item.start >= item.end)) throw new Opaque("an empty list item");
  return items;
}

/**
 * The clauses from `start` on, cut at the top-level words given (each a keyword's first word, in that order,
 * each at most once); with `head`, what comes before the first is the clause `""`. `undefined` when another
 * top-level clause word appears, a keyword is out of order, or something precedes the first without `head`.
 * With `alias`, `as <alias>` may lead (Kysely's wrapper).
 */
export function clauses(r: Reader, start: number, keywords: readonly string[], options: { head?: boolean; alias?: string } = {}): { clauses: Map<string, Span>; end: number } | undefined {
  let index = start;
  if (options.alias !== undefined) {
    if (!isWord(r, index, "as") || r.tokens[index + 1]?.value !== options.alias) return undefined;
    index += 2;
  }
  const cuts: { keyword: string; at: number; body: number }[] = options.head ? [{ keyword: "", at: index, body: index }] : [];
  if (!options.head && index < r.tokens.length && !keywords.some((keyword) => isWord(r, index, keyword))) return undefined;
  let depth = 0;
  for (; index < r.tokens.length; index++) {
    if (isPunct(r, index, "(")) depth++;
    else if (isPunct(r, index, ")")) depth--;
    else if (depth === 0 && r.tokens[index]!.kind === "word") {
      const word = r.tokens[index]!.value;
      if (keywords.includes(word)) {
        const body = word === "order" ? (isWord(r, index + 1, "by") ? index + 2 : -1) : index + 1;
        if (body < 0) return undefined;
        cuts.push({ keyword: word, at: index, body });
      } else if (CLAUSE_WORDS.has(word) && word !== "as" && word !== "on" && word !== "using") return undefined;
      else if (word === "from" || word === "offset") return undefined;
    }
  }
  const order = cuts.filter((cut) => cut.keyword !== "").map((cut) => keywords.indexOf(cut.keyword));
  if (order.some((position, i) => i > 0 && position <= order[i - 1]!)) return undefined;
  const clauses = new Map<string, Span>();
  for (const [i, cut] of cuts.entries()) {
    const end = cuts[i + 1]?.at ?? r.tokens.length;
    if (end <= cut.body) return undefined;
    clauses.set(cut.keyword, { start: cut.body, end });
  }
  return { clauses, end: r.tokens.length };
}

/** How many `?` parameters lie between `start` and `end`. */
export function params(r: Reader, start: number, end: number): number {
  let count = 0;
  for (let index = start; index < end; index++) if (r.tokens[index]!.kind === "param") count++;
  return count;
}

/**
 * The columns of a condition made only of `"c" = ?` (or `"t"."c" = ?`, `t` being `table`) terms joined by
 * AND, in any parentheses, in order; `undefined` for any other condition.
 */
export function equalities(r: Reader, start: number, end: number, table: string): string[] | undefined {
  const terms: Token[][] = [[]];
  for (let index = start; index < end; index++) {
    const token = r.tokens[index]!;
    if (token.kind === "punct" && (token.value === "(" || token.value === ")")) continue;
    if (token.kind === "word" && token.value === "and") terms.push([]);
    else terms.at(-1)!.push(token);
  }
  const columns: string[] = [];
  for (const term of terms) {
    const reader = readerOf(r.sql, term);
    const column = columnName(reader, 0, table.toLowerCase());
    if (column === undefined || column.end !== term.length - 2 || !isPunct(reader, column.end, "=") || term.at(-1)!.kind !== "param") return undefined;
    columns.push(column.name);
  }
  return columns;
}

/** The RETURNING list starting at `index` (`undefined` when the statement ends there). */
export function returning(r: Reader, index: number): Returning {
  if (index >= r.tokens.length) return undefined;
  if (!isWord(r, index, "returning")) throw new Opaque("a clause other than RETURNING after the statement");
  if (isPunct(r, index + 1, "*") && index + 2 === r.tokens.length) return "*";
  return nameList(r, index + 1, r.tokens.length);
}
