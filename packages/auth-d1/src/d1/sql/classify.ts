/**
 * What a SQL statement is, decided once per text: a read and the tables it reads, an INSERT, UPDATE or DELETE
 * of one table in the shapes the unit of work can hold, or `opaque` with the reason. Whatever this module does
 * not fully understand is `opaque`, and the unit of work sends an opaque statement at once, so a shape it
 * misreads can cost a round trip, never a wrong answer: a comma join, a schema-qualified name, `UPDATE ...
 * FROM`, a WITH clause, numbered or named parameters and anything else not listed below.
 *
 * @module
 */
import { Opaque, clauses, closingParen, columnName, commaSeparated, equalities, isOverlayOf, isPunct, isWord, match, nameList, params, readerOf, returning, skipAlias, slice, tableName, text, type Reader } from "./reader.js";
import { SqlSyntaxError, tokenize } from "./tokenize.js";

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
  console.warn(`[auth-d1] The SQL classifier and the query builder disagree (${reason}): sent at once, outside any unit of work. Please report: ${sql}`);
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
    const reader = readerOf(sql, tokens);
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

/** The table-valued functions built into SQLite: they read JSON or the schema, never a table's rows. */
const TABLE_FUNCTION = /^(json_each|json_tree|pragma_\w+)$/;

function select(reader: Reader): SelectStatement {
  const tables = new Set<string>();
  const { tokens } = reader;
  for (let index = 0; index < tokens.length; index++) {
    if (!isWord(reader, index, "from") && !isWord(reader, index, "join")) continue;
    let next = index + 1;
    if (isPunct(reader, next, "(")) next = closingParen(reader, next) + 1;
    else if (isPunct(reader, next + 1, "(")) {
      // SQLite's table-valued functions read JSON or the schema, never a table's rows; D1 has no others.
      if (!TABLE_FUNCTION.test(reader.tokens[next]!.value)) throw new Opaque("a table-valued function");
      next = closingParen(reader, next + 1) + 1;
    } else tables.add(tableName(reader, next++));
    next = skipAlias(reader, next);
    if (isPunct(reader, next, ",")) throw new Opaque("a comma join");
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
    if (isPunct(reader, index, "(")) index = closingParen(reader, index) + 1;
    if (!isWord(reader, index, "as") || !isPunct(reader, index + 1, "(")) throw new Opaque("a WITH clause");
    const close = closingParen(reader, index + 1);
    if (!isOverlayOf(slice(reader, index + 2, close), name.value)) throw new Opaque("a WITH clause");
    shadowed.add(name.value.toLowerCase());
    index = close + 1;
    if (!isPunct(reader, index, ",")) break;
    index++;
  }
  if (!isWord(reader, index, "select")) throw new Opaque("a WITH clause");
  const read = select(slice(reader, index, reader.tokens.length));
  return { kind: "select", tables: new Set([...shadowed, ...read.tables]), plain: undefined };
}

/** The statement as a {@link PlainRead}, or `undefined` for any other read. */
function plainRead(reader: Reader): PlainRead | undefined {
  // Kysely's form: the plain read wrapped in `select "primary".* from (...) as "primary" [limit ?]`.
  const wrapped = match(reader, 0, ["select", "name", ".", "*", "from", "("]);
  if (wrapped) {
    const close = closingParen(reader, 5);
    const alias = reader.tokens[1]!.value;
    const tail = clauses(reader, close + 1, ["limit"], { alias });
    if (!tail || tail.end !== reader.tokens.length) return undefined;
    const inner = plainRead(slice(reader, 6, close));
    // One LIMIT, inside the subquery or after it: either way the last parameter.
    if (!inner || inner.columns !== "*" || (inner.limited && tail.clauses.has("limit"))) return undefined;
    return { ...inner, limited: inner.limited || tail.clauses.has("limit") };
  }
  const columns: string[] = [];
  let index = 1;
  let count: string | undefined;
  let all = false;
  if (isPunct(reader, index, "*")) {
    all = true;
    index++;
  } else if (match(reader, index, ["count", "(", "*", ")"]) || match(reader, index, ["count", "(", "name", ")"])) {
    count = text(reader, index, index + 4);
    index += 4;
    if (isWord(reader, index, "as") && reader.tokens[index + 1]?.kind === "name") {
      count = reader.tokens[index + 1]!.value;
      index += 2;
    }
  } else {
    for (;;) {
      const column = columnName(reader, index);
      if (column === undefined) return undefined;
      columns.push(column.name);
      index = column.end;
      if (!isPunct(reader, index, ",")) break;
      index++;
    }
  }
  if (!isWord(reader, index, "from")) return undefined;
  const table = reader.tokens[index + 1];
  if (table?.kind !== "name" && table?.kind !== "word") return undefined;
  const tail = clauses(reader, index + 2, ["where", "order", "limit"]);
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
    where: where && text(reader, where.start, where.end),
    equalities: where && equalities(reader, where.start, where.end, table.value),
    ordered: tail.clauses.has("order"),
    limited: limit !== undefined,
  };
}

function insert(reader: Reader): InsertStatement {
  if (!isWord(reader, 1, "into")) throw new Opaque("INSERT OR ...");
  const table = tableName(reader, 2);
  if (!isPunct(reader, 3, "(")) throw new Opaque("an INSERT without a column list");
  const close = closingParen(reader, 3);
  const columns = nameList(reader, 4, close);
  if (!isWord(reader, close + 1, "values") || !isPunct(reader, close + 2, "(")) throw new Opaque("an INSERT of something other than VALUES");
  const valuesClose = closingParen(reader, close + 2);
  const values: ("param" | "null")[] = [];
  for (let index = close + 3; index < valuesClose; index += 2) {
    const token = reader.tokens[index]!;
    if (token.kind === "param") values.push("param");
    else if (token.kind === "word" && token.value === "null") values.push("null");
    else throw new Opaque("an INSERT value that is neither a parameter nor NULL");
    if (index + 1 < valuesClose && !isPunct(reader, index + 1, ",")) throw new Opaque("an INSERT value that is neither a parameter nor NULL");
  }
  if (values.length !== columns.length) throw new Opaque("an INSERT whose values do not match its columns");
  return { kind: "insert", table, columns, values, returning: returning(reader, valuesClose + 1), params: params(reader, 0, reader.tokens.length) };
}

function update(reader: Reader): UpdateStatement {
  const table = tableName(reader, 1);
  if (!isWord(reader, 2, "set")) throw new Opaque("UPDATE OR ... or an aliased table");
  const tail = clauses(reader, 3, ["where", "returning"], { head: true });
  if (!tail || tail.end !== reader.tokens.length) throw new Opaque("an UPDATE with a clause other than WHERE and RETURNING (FROM, ORDER BY, LIMIT)");
  const set = tail.clauses.get("")!;
  const assignments: UpdateStatement["assignments"][number][] = [];
  for (const item of commaSeparated(reader, set.start, set.end)) {
    const column = columnName(reader, item.start, table);
    if (column === undefined || !isPunct(reader, column.end, "=") || column.end + 1 >= item.end) throw new Opaque("a SET item other than a column = an expression");
    assignments.push({ column: column.name, expression: text(reader, column.end + 1, item.end) });
  }
  const where = tail.clauses.get("where");
  return {
    kind: "update",
    table,
    assignments,
    where: where && text(reader, where.start, where.end),
    equalities: where && equalities(reader, where.start, where.end, table),
    setParams: params(reader, set.start, set.end),
    returning: tail.clauses.has("returning") ? returning(reader, tail.clauses.get("returning")!.start - 1) : undefined,
    params: params(reader, 0, reader.tokens.length),
  };
}

function remove(reader: Reader): DeleteStatement {
  if (!isWord(reader, 1, "from")) throw new Opaque("a DELETE without FROM");
  const table = tableName(reader, 2);
  const tail = clauses(reader, 3, ["where", "returning"]);
  if (!tail || tail.end !== reader.tokens.length) throw new Opaque("a DELETE with a clause other than WHERE and RETURNING");
  const where = tail.clauses.get("where");
  return {
    kind: "delete",
    table,
    where: where && text(reader, where.start, where.end),
    equalities: where && equalities(reader, where.start, where.end, table),
    returning: tail.clauses.has("returning") ? returning(reader, tail.clauses.get("returning")!.start - 1) : undefined,
    params: params(reader, 0, reader.tokens.length),
  };
}
