/**
 * What a SQL statement is, decided once per text: a read and the tables it reads, an INSERT, UPDATE or DELETE
 * of one table in the shapes the unit of work can hold, or `opaque` with the reason. Whatever this module does
 * not fully understand is `opaque`, and the unit of work sends an opaque statement at once, so a shape it
 * misreads can cost a round trip, never a wrong answer: a comma join, a schema-qualified name, `UPDATE ...
 * FROM`, a WITH clause, numbered or named parameters and anything else not listed below.
 *
 * @module
 */
import { SqlSyntaxError, tokenize, type Token } from "./tokenize.js";

/** Any statement, classified. */
export type Statement = SelectStatement | InsertStatement | UpdateStatement | DeleteStatement | OpaqueStatement;

/** What a write hands back: nothing, every column (`*`), or the columns named, in order. */
export type Returning = undefined | "*" | readonly string[];

/** A read, and every table it reads (joins and subqueries included), in lower case. */
export interface SelectStatement {
  kind: "select";
  tables: ReadonlySet<string>;
  /** Set when the read is of one table and nothing else: see {@link PlainRead}. */
  plain: PlainRead | undefined;
}

/**
 * A read of one table's rows as stored, with nothing computed: `select <columns | *> from "t" [where W]
 * [order by ...] [limit ?]`, Kysely's `select "primary".* from (select * from "t" where W) as "primary" [limit ?]`,
 * with the LIMIT inside or outside, or a count of them (`select count(*) | count("id") [as "n"] from "t" where W`).
 */
export interface PlainRead {
  table: string;
  /** The columns it names, `"*"` for every one, or `undefined` for a count. */
  columns: readonly string[] | "*" | undefined;
  /** The name a count's column has in the result, for a count. */
  count: string | undefined;
  /** The WHERE condition's text, or `undefined` without one. */
  where: string | undefined;
  /** The columns of a WHERE that is only `"col" = ?` terms joined by AND, in order; otherwise `undefined`. */
  equalities: readonly string[] | undefined;
  /** The read has an ORDER BY: its rows come in an order SQLite decides. */
  ordered: boolean;
  /** Its last parameter is a `LIMIT ?`. */
  limited: boolean;
}

/** `insert into "t" ("a", "b") values (?, null) [returning ...]`: one row, every value bound or NULL. */
export interface InsertStatement {
  kind: "insert";
  table: string;
  columns: readonly string[];
  /** For each column: its value is the next parameter, or NULL. */
  values: readonly ("param" | "null")[];
  returning: Returning;
  /** How many parameters it takes. */
  params: number;
}

/** `update "t" set "a" = <expr>, ... [where W] [returning ...]`. */
export interface UpdateStatement {
  kind: "update";
  table: string;
  /** The SET list, in order: each column and the text of the expression it takes. */
  assignments: readonly { column: string; expression: string }[];
  where: string | undefined;
  equalities: readonly string[] | undefined;
  /** How many parameters the SET list holds; the rest belong to WHERE. */
  setParams: number;
  returning: Returning;
  /** How many parameters it takes. */
  params: number;
}

/** `delete from "t" [where W] [returning ...]`. */
export interface DeleteStatement {
  kind: "delete";
  table: string;
  where: string | undefined;
  equalities: readonly string[] | undefined;
  returning: Returning;
  /** How many parameters it takes. */
  params: number;
}

/** A statement this module does not fully understand: treat it as a write that must go out at once. */
export interface OpaqueStatement {
  kind: "opaque";
  reason: string;
}

/** Stops a parse: the statement is `opaque` for `reason`. */
class Opaque extends Error {}

const cache = new Map<string, Statement>();
const CACHE_SIZE = 1000;

/**
 * The statement `sql` is. Parsed once per text: the same text is answered from a cache.
 *
 * @example
 * ```ts
 * classify('select "id" from "user" where "user"."email" = ?');
 * // { kind: "select", tables: Set {"user"}, plain: { table: "user", columns: ["id"], equalities: ["email"], ... } }
 * classify('select * from "user", "session"'); // { kind: "opaque", reason: "a comma join" }
 * ```
 */
export function classify(sql: string): Statement {
  let statement = cache.get(sql);
  if (statement === undefined) {
    statement = parse(sql);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(sql, statement);
  }
  return statement;
}

/** What another reading of a statement says it is: an ORM's own tree, say. */
export interface StatementClaim {
  kind: "select" | "insert" | "update" | "delete";
  /** The tables a read reads, or the one a write changes, in lower case. */
  tables: ReadonlySet<string>;
}

/**
 * The statement `sql` is, when `claim` (another reading of it) agrees on its kind and tables; otherwise it is
 * `opaque` from now on, and sent as such, with one warning: one of the two readings is wrong, and only the
 * safe path does not depend on which. Without a claim, what {@link classify} says.
 *
 * @example
 * ```ts
 * agreeing(compiled.sql, treeStatement(compiled.query)); // Kysely's driver, before each query
 * ```
 */
export function agreeing(sql: string, claim: StatementClaim | undefined): Statement {
  const statement = classify(sql);
  if (claim === undefined || statement.kind === "opaque") return statement;
  const tables = statement.kind === "select" ? statement.tables : new Set([statement.table]);
  if (statement.kind === claim.kind && tables.size === claim.tables.size && [...tables].every((table) => claim.tables.has(table))) return statement;
  const reading = (kind: string, names: ReadonlySet<string>) => `${kind} of ${[...names].join(", ") || "no table"}`;
  const reason = `the text reads as a ${reading(statement.kind, tables)}, the query's own tree as a ${reading(claim.kind, claim.tables)}`;
  console.warn(`[auth-d1] The SQL classifier and the query builder disagree, so this statement is sent at once, outside any unit of work: ${reason}. Please report it with the statement: ${sql}`);
  const opaque: OpaqueStatement = { kind: "opaque", reason };
  cache.set(sql, opaque);
  return opaque;
}

/** Whether `sql` only reads: a {@link SelectStatement}. */
export function isRead(sql: string): boolean {
  return classify(sql).kind === "select";
}

function parse(sql: string): Statement {
  try {
    const tokens = tokenize(sql);
    if (tokens.at(-1)?.value === ";" && tokens.at(-1)?.kind === "punct") tokens.pop();
    if (tokens.some((token) => token.kind === "punct" && token.value === ";")) throw new Opaque("several statements");
    if (tokens.some((token) => token.kind === "param" && token.value !== "?")) throw new Opaque("numbered or named parameters");
    const reader = new Reader(sql, tokens);
    switch (tokens[0]?.kind === "word" ? tokens[0].value : undefined) {
      case "select":
        return select(reader);
      case "insert":
        return insert(reader);
      case "update":
        return update(reader);
      case "delete":
        return remove(reader);
      case "with":
        return overlay(reader);
      default:
        throw new Opaque(`a statement that starts with ${JSON.stringify(tokens[0]?.value ?? "nothing")}`);
    }
  } catch (error) {
    if (error instanceof Opaque || error instanceof SqlSyntaxError) return { kind: "opaque", reason: error.message };
    throw error;
  }
}

/** Words that end a FROM item, so they are never read as a table's alias. */
const CLAUSE_WORDS = new Set([
  "where", "group", "having", "order", "limit", "offset", "union", "intersect", "except", "window",
  "join", "inner", "left", "right", "full", "cross", "natural", "outer", "on", "using", "returning", "set", "values", "as",
]);

/** The table-valued functions built into SQLite: they read JSON or the schema, never a table's rows. */
const TABLE_FUNCTION = /^(json_each|json_tree|pragma_\w+)$/;

function select(reader: Reader): SelectStatement {
  const tables = new Set<string>();
  const { tokens } = reader;
  for (let index = 0; index < tokens.length; index++) {
    if (!reader.isWord(index, "from") && !reader.isWord(index, "join")) continue;
    let next = index + 1;
    if (reader.isPunct(next, "(")) next = reader.closingParen(next) + 1;
    else if (reader.isPunct(next + 1, "(")) {
      // SQLite's table-valued functions read JSON or the schema, never a table's rows; D1 has no others.
      if (!TABLE_FUNCTION.test(reader.tokens[next]!.value)) throw new Opaque("a table-valued function");
      next = reader.closingParen(next + 1) + 1;
    } else tables.add(reader.tableName(next++));
    next = reader.skipAlias(next);
    if (reader.isPunct(next, ",")) throw new Opaque("a comma join");
  }
  return { kind: "select", tables, plain: tables.size === 1 ? plainRead(reader) : undefined };
}

/**
 * A read behind the WITH clause the unit of work writes to lay the rows it holds over their tables
 * (src/d1/unit-of-work.ts, `overlaid`): each CTE is named after a table and reads `main."<that table>"`, less
 * some ids, plus bound rows. Any other WITH clause is opaque: this module did not write it.
 */
function overlay(reader: Reader): SelectStatement {
  const shadowed = new Set<string>();
  let index = 1;
  for (;;) {
    const name = reader.tokens[index];
    if (name?.kind !== "name") throw new Opaque("a WITH clause");
    index++;
    if (reader.isPunct(index, "(")) index = reader.closingParen(index) + 1;
    if (!reader.isWord(index, "as") || !reader.isPunct(index + 1, "(")) throw new Opaque("a WITH clause");
    const close = reader.closingParen(index + 1);
    if (!reader.slice(index + 2, close).isOverlayOf(name.value)) throw new Opaque("a WITH clause");
    shadowed.add(name.value.toLowerCase());
    index = close + 1;
    if (!reader.isPunct(index, ",")) break;
    index++;
  }
  if (!reader.isWord(index, "select")) throw new Opaque("a WITH clause");
  const read = select(reader.slice(index, reader.tokens.length));
  return { kind: "select", tables: new Set([...shadowed, ...read.tables]), plain: undefined };
}

/** The statement as a {@link PlainRead}, or `undefined` for any other read. */
function plainRead(reader: Reader): PlainRead | undefined {
  // Kysely's form: the plain read wrapped in `select "primary".* from (...) as "primary" [limit ?]`.
  const wrapped = reader.match(0, ["select", "name", ".", "*", "from", "("]);
  if (wrapped) {
    const close = reader.closingParen(5);
    const alias = reader.tokens[1]!.value;
    const tail = reader.clauses(close + 1, ["limit"], { alias });
    if (!tail || tail.end !== reader.tokens.length) return undefined;
    const inner = plainRead(reader.slice(6, close));
    // One LIMIT, inside the subquery or after it: either way the last parameter.
    if (!inner || inner.columns !== "*" || (inner.limited && tail.clauses.has("limit"))) return undefined;
    return { ...inner, limited: inner.limited || tail.clauses.has("limit") };
  }
  const columns: string[] = [];
  let index = 1;
  let count: string | undefined;
  let all = false;
  if (reader.isPunct(index, "*")) {
    all = true;
    index++;
  } else if (reader.match(index, ["count", "(", "*", ")"]) || reader.match(index, ["count", "(", "name", ")"])) {
    count = reader.text(index, index + 4);
    index += 4;
    if (reader.isWord(index, "as") && reader.tokens[index + 1]?.kind === "name") {
      count = reader.tokens[index + 1]!.value;
      index += 2;
    }
  } else {
    for (;;) {
      const column = reader.columnName(index);
      if (column === undefined) return undefined;
      columns.push(column.name);
      index = column.end;
      if (!reader.isPunct(index, ",")) break;
      index++;
    }
  }
  if (!reader.isWord(index, "from")) return undefined;
  const table = reader.tokens[index + 1];
  if (table?.kind !== "name" && table?.kind !== "word") return undefined;
  const tail = reader.clauses(index + 2, ["where", "order", "limit"]);
  if (!tail || tail.end !== reader.tokens.length) return undefined;
  const where = tail.clauses.get("where");
  const limit = tail.clauses.get("limit");
  if (limit && (limit.end - limit.start !== 1 || reader.tokens[limit.start]!.value !== "?")) return undefined;
  if (count !== undefined && (tail.clauses.has("order") || limit)) return undefined;
  // A qualified column names this table: the read has only the one.
  if (reader.qualifiers.size > 0 && [...reader.qualifiers].some((name) => name !== table.value)) return undefined;
  return {
    table: table.value.toLowerCase(),
    columns: count !== undefined ? undefined : all ? "*" : columns,
    count,
    where: where && reader.text(where.start, where.end),
    equalities: where && reader.equalities(where.start, where.end, table.value),
    ordered: tail.clauses.has("order"),
    limited: limit !== undefined,
  };
}

function insert(reader: Reader): InsertStatement {
  if (!reader.isWord(1, "into")) throw new Opaque("INSERT OR ...");
  const table = reader.tableName(2);
  if (!reader.isPunct(3, "(")) throw new Opaque("an INSERT without a column list");
  const close = reader.closingParen(3);
  const columns = reader.nameList(4, close);
  if (!reader.isWord(close + 1, "values") || !reader.isPunct(close + 2, "(")) throw new Opaque("an INSERT of something other than VALUES");
  const valuesClose = reader.closingParen(close + 2);
  const values: ("param" | "null")[] = [];
  for (let index = close + 3; index < valuesClose; index += 2) {
    const token = reader.tokens[index]!;
    if (token.kind === "param") values.push("param");
    else if (token.kind === "word" && token.value === "null") values.push("null");
    else throw new Opaque("an INSERT value that is neither a parameter nor NULL");
    if (index + 1 < valuesClose && !reader.isPunct(index + 1, ",")) throw new Opaque("an INSERT value that is neither a parameter nor NULL");
  }
  if (values.length !== columns.length) throw new Opaque("an INSERT whose values do not match its columns");
  return { kind: "insert", table, columns, values, returning: reader.returning(valuesClose + 1), params: reader.params(0, reader.tokens.length) };
}

function update(reader: Reader): UpdateStatement {
  const table = reader.tableName(1);
  if (!reader.isWord(2, "set")) throw new Opaque("UPDATE OR ... or an aliased table");
  const tail = reader.clauses(3, ["where", "returning"], { head: true });
  if (!tail || tail.end !== reader.tokens.length) throw new Opaque("an UPDATE with a clause other than WHERE and RETURNING (FROM, ORDER BY, LIMIT)");
  const set = tail.clauses.get("")!;
  const assignments: UpdateStatement["assignments"][number][] = [];
  for (const item of reader.commaSeparated(set.start, set.end)) {
    const column = reader.columnName(item.start, table);
    if (column === undefined || !reader.isPunct(column.end, "=") || column.end + 1 >= item.end) throw new Opaque("a SET item other than a column = an expression");
    assignments.push({ column: column.name, expression: reader.text(column.end + 1, item.end) });
  }
  const where = tail.clauses.get("where");
  return {
    kind: "update",
    table,
    assignments,
    where: where && reader.text(where.start, where.end),
    equalities: where && reader.equalities(where.start, where.end, table),
    setParams: reader.params(set.start, set.end),
    returning: tail.clauses.has("returning") ? reader.returning(tail.clauses.get("returning")!.start - 1) : undefined,
    params: reader.params(0, reader.tokens.length),
  };
}

function remove(reader: Reader): DeleteStatement {
  if (!reader.isWord(1, "from")) throw new Opaque("a DELETE without FROM");
  const table = reader.tableName(2);
  const tail = reader.clauses(3, ["where", "returning"]);
  if (!tail || tail.end !== reader.tokens.length) throw new Opaque("a DELETE with a clause other than WHERE and RETURNING");
  const where = tail.clauses.get("where");
  return {
    kind: "delete",
    table,
    where: where && reader.text(where.start, where.end),
    equalities: where && reader.equalities(where.start, where.end, table),
    returning: tail.clauses.has("returning") ? reader.returning(tail.clauses.get("returning")!.start - 1) : undefined,
    params: reader.params(0, reader.tokens.length),
  };
}

/** A token range, `start` included and `end` not. */
interface Span {
  start: number;
  end: number;
}

/** Reads a token list; every `index` is a position in it. */
class Reader {
  /** Every table qualifier of a column the statement names (`"t"."c"`), for {@link plainRead}'s one-table check. */
  readonly qualifiers = new Set<string>();

  constructor(
    readonly sql: string,
    readonly tokens: readonly Token[],
  ) {
    for (let index = 0; index + 2 < tokens.length; index++) {
      if ((tokens[index]!.kind === "name" || tokens[index]!.kind === "word") && this.isPunct(index + 1, ".") && tokens[index + 2]!.kind === "name") this.qualifiers.add(tokens[index]!.value);
    }
  }

  /**
   * Whether these tokens are one of the unit of work's overlay CTE bodies for `table`: `SELECT <columns | *>
   * FROM main."table" [WHERE "id" NOT IN (?, ...)] [UNION ALL VALUES (?, ...), ...]`.
   */
  isOverlayOf(table: string): boolean {
    const from = this.tokens.findIndex((token) => token.kind === "word" && token.value === "from");
    if (!this.isWord(0, "select") || from < 2) return false;
    const star = from === 2 && this.isPunct(1, "*");
    if (!star && !this.commaSeparated(1, from).every((item) => item.end - item.start === 1 && this.tokens[item.start]!.kind === "name")) return false;
    if (!this.match(from, ["from", "main", ".", "name"]) || this.tokens[from + 3]!.value !== table) return false;
    let index = from + 4;
    if (this.match(index, ["where", "name", "not", "in", "("]) && this.tokens[index + 1]!.value === "id") {
      const close = this.closingParen(index + 4);
      if (!this.onlyParams(index + 5, close)) return false;
      index = close + 1;
    }
    if (this.match(index, ["union", "all", "values"])) {
      index += 3;
      for (;;) {
        if (!this.isPunct(index, "(")) return false;
        const close = this.closingParen(index);
        if (!this.onlyParams(index + 1, close)) return false;
        index = close + 1;
        if (!this.isPunct(index, ",")) break;
        index++;
      }
    }
    return index === this.tokens.length;
  }

  /** Whether the tokens from `start` to `end` are `?, ?, ...` and nothing else. */
  onlyParams(start: number, end: number): boolean {
    return end > start && this.commaSeparated(start, end).every((item) => item.end - item.start === 1 && this.tokens[item.start]!.kind === "param");
  }

  /** The tokens from `start` to `end` as a reader of their own (a subquery). */
  slice(start: number, end: number): Reader {
    return new Reader(this.sql, this.tokens.slice(start, end));
  }

  isWord(index: number, word: string): boolean {
    const token = this.tokens[index];
    return token?.kind === "word" && token.value === word;
  }

  isPunct(index: number, punct: string): boolean {
    const token = this.tokens[index];
    return token?.kind === "punct" && token.value === punct;
  }

  /**
   * Whether the tokens from `index` follow `pattern`: a word in lower case, `name` for a quoted name, or a
   * punctuation mark.
   */
  match(index: number, pattern: readonly string[]): boolean {
    return pattern.every((expected, offset) => {
      const token = this.tokens[index + offset];
      if (token === undefined) return false;
      if (expected === "name") return token.kind === "name";
      return /^\w+$/.test(expected) ? token.kind === "word" && token.value === expected : token.kind === "punct" && token.value === expected;
    });
  }

  /** The statement's text from token `start` to token `end` (excluded), as written. */
  text(start: number, end: number): string {
    return this.sql.slice(this.tokens[start]!.start, this.tokens[end - 1]!.end);
  }

  /** The index of the `)` closing the `(` at `open`. */
  closingParen(open: number): number {
    let depth = 0;
    for (let index = open; index < this.tokens.length; index++) {
      if (this.isPunct(index, "(")) depth++;
      else if (this.isPunct(index, ")") && --depth === 0) return index;
    }
    throw new Opaque("unbalanced parentheses");
  }

  /** The table named at `index`, in lower case; a schema-qualified name is opaque. */
  tableName(index: number): string {
    const token = this.tokens[index];
    if (token?.kind !== "name" && token?.kind !== "word") throw new Opaque("a table that is not a name");
    if (this.isPunct(index + 1, ".")) throw new Opaque("a schema-qualified name");
    return token.value.toLowerCase();
  }

  /** The index past a FROM item's alias at `index` (`as "x"`, or a bare name), if it has one. */
  skipAlias(index: number): number {
    if (this.isWord(index, "as")) return index + 2;
    const token = this.tokens[index];
    if (token?.kind === "name" || (token?.kind === "word" && !CLAUSE_WORDS.has(token.value))) return index + 1;
    return index;
  }

  /** A column at `index`: `"c"`, or `"t"."c"` (with `t` equal to `table` when given). */
  columnName(index: number, table?: string): { name: string; end: number } | undefined {
    const first = this.tokens[index];
    if (first?.kind === "name" && this.isPunct(index + 1, ".")) {
      const second = this.tokens[index + 2];
      if (second?.kind !== "name" || (table !== undefined && first.value.toLowerCase() !== table)) return undefined;
      return { name: second.value, end: index + 3 };
    }
    return first?.kind === "name" ? { name: first.value, end: index + 1 } : undefined;
  }

  /** The names of a `"a", "b"` list between `start` and `end`. */
  nameList(start: number, end: number): string[] {
    const names: string[] = [];
    for (const item of this.commaSeparated(start, end)) {
      const column = this.columnName(item.start);
      if (column === undefined || column.end !== item.end) throw new Opaque("a list of something other than column names");
      names.push(column.name);
    }
    return names;
  }

  /** The items of a comma-separated list between `start` and `end`, split at its top-level commas. */
  commaSeparated(start: number, end: number): Span[] {
    const items: Span[] = [];
    let from = start;
    let depth = 0;
    for (let index = start; index < end; index++) {
      if (this.isPunct(index, "(")) depth++;
      else if (this.isPunct(index, ")")) depth--;
      else if (depth === 0 && this.isPunct(index, ",")) {
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
  clauses(start: number, keywords: readonly string[], options: { head?: boolean; alias?: string } = {}): { clauses: Map<string, Span>; end: number } | undefined {
    let index = start;
    if (options.alias !== undefined) {
      if (!this.isWord(index, "as") || this.tokens[index + 1]?.value !== options.alias) return undefined;
      index += 2;
    }
    const cuts: { keyword: string; at: number; body: number }[] = options.head ? [{ keyword: "", at: index, body: index }] : [];
    if (!options.head && index < this.tokens.length && !keywords.some((keyword) => this.isWord(index, keyword))) return undefined;
    let depth = 0;
    for (; index < this.tokens.length; index++) {
      if (this.isPunct(index, "(")) depth++;
      else if (this.isPunct(index, ")")) depth--;
      else if (depth === 0 && this.tokens[index]!.kind === "word") {
        const word = this.tokens[index]!.value;
        if (keywords.includes(word)) {
          const body = word === "order" ? (this.isWord(index + 1, "by") ? index + 2 : -1) : index + 1;
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
      const end = cuts[i + 1]?.at ?? this.tokens.length;
      if (end <= cut.body) return undefined;
      clauses.set(cut.keyword, { start: cut.body, end });
    }
    return { clauses, end: this.tokens.length };
  }

  /** How many `?` parameters lie between `start` and `end`. */
  params(start: number, end: number): number {
    let count = 0;
    for (let index = start; index < end; index++) if (this.tokens[index]!.kind === "param") count++;
    return count;
  }

  /**
   * The columns of a condition made only of `"c" = ?` (or `"t"."c" = ?`, `t` being `table`) terms joined by
   * AND, in any parentheses, in order; `undefined` for any other condition.
   */
  equalities(start: number, end: number, table: string): string[] | undefined {
    const terms: Token[][] = [[]];
    for (let index = start; index < end; index++) {
      const token = this.tokens[index]!;
      if (token.kind === "punct" && (token.value === "(" || token.value === ")")) continue;
      if (token.kind === "word" && token.value === "and") terms.push([]);
      else terms.at(-1)!.push(token);
    }
    const columns: string[] = [];
    for (const term of terms) {
      const reader = new Reader(this.sql, term);
      const column = reader.columnName(0, table.toLowerCase());
      if (column === undefined || column.end !== term.length - 2 || !reader.isPunct(column.end, "=") || term.at(-1)!.kind !== "param") return undefined;
      columns.push(column.name);
    }
    return columns;
  }

  /** The RETURNING list starting at `index` (`undefined` when the statement ends there). */
  returning(index: number): Returning {
    if (index >= this.tokens.length) return undefined;
    if (!this.isWord(index, "returning")) throw new Opaque("a clause other than RETURNING after the statement");
    if (this.isPunct(index + 1, "*") && index + 2 === this.tokens.length) return "*";
    return this.nameList(index + 1, this.tokens.length);
  }
}
