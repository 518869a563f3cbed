/**
 * SQLite's lexical rules, once: the only place that knows where a quoted name, a string or a comment ends.
 * Everything that reads SQL another library produced (./classify.ts) works on these tokens, never on text.
 *
 * @module
 */

/** What a token is; keywords are `word`s, told apart by the parser. */
export type TokenKind = "word" | "name" | "string" | "number" | "param" | "punct";

/** One token: its kind, its value, and where it sits in the statement's text. */
export interface Token {
  kind: TokenKind;
  /**
   * A `word` in lower case; a quoted `name` or a `string` without its quotes (doubled quotes undone); a
   * `param` or `punct` as written.
   */
  value: string;
  /** Offset of its first character in the text. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

/** Thrown for text that is not SQLite's: an unterminated quote or comment, or a character SQL has no use for. */
export class SqlSyntaxError extends Error {
  override name = "SqlSyntaxError";
}

const OPERATORS = ["->>", "->", "||", "<=", ">=", "<>", "!=", "==", "<<", ">>"];
const SINGLE = new Set("(),.;*=<>+-/%&|~");
const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[\w$\u0080-\uffff]/;

/**
 * The tokens of `sql`, comments and whitespace left out.
 *
 * @example
 * ```ts
 * tokenize('select "a" from t where x = ?').map((token) => token.value);
 * // ["select", "a", "from", "t", "where", "x", "=", "?"]
 * ```
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const push = (kind: TokenKind, value: string, end: number): void => {
    tokens.push({ kind, value, start: at, end });
    at = end;
  };
  while (at < sql.length) {
    const c = sql[at]!;
    const rest = sql.slice(at, at + 3);
    if (/\s/.test(c)) at++;
    else if (rest.startsWith("--")) at = lineEnd(sql, at);
    else if (rest.startsWith("/*")) at = closing(sql, at + 2, "*/", "a comment") + 2;
    else if (c === "'") push("string", ...quoted(sql, at, "'"));
    else if (c === '"' || c === "`") push("name", ...quoted(sql, at, c));
    else if (c === "[") {
      const end = closing(sql, at + 1, "]", "a [name]");
      push("name", sql.slice(at + 1, end), end + 1);
    } else if ((c === "x" || c === "X") && sql[at + 1] === "'") {
      const [value, end] = quoted(sql, at + 1, "'");
      push("string", value, end);
    } else if (/\d/.test(c) || (c === "." && /\d/.test(sql[at + 1] ?? ""))) push("number", ...number(sql, at));
    else if (WORD_START.test(c)) {
      let end = at + 1;
      while (end < sql.length && WORD_PART.test(sql[end]!)) end++;
      push("word", sql.slice(at, end).toLowerCase(), end);
    } else if (c === "?" || c === ":" || c === "@" || c === "$") {
      let end = at + 1;
      while (end < sql.length && (c === "?" ? /\d/ : WORD_PART).test(sql[end]!)) end++;
      if (c !== "?" && end === at + 1) throw new SqlSyntaxError(`a lone "${c}" at ${at}`);
      push("param", sql.slice(at, end), end);
    } else {
      const operator = OPERATORS.find((op) => sql.startsWith(op, at)) ?? (SINGLE.has(c) ? c : undefined);
      if (operator === undefined) throw new SqlSyntaxError(`an unexpected "${c}" at ${at}`);
      push("punct", operator, at + operator.length);
    }
  }
  return tokens;
}

/** The content of the quote opening at `start` (doubled quotes undone), and the offset past its close. */
function quoted(sql: string, start: number, quote: string): [string, number] {
  let value = "";
  for (let at = start + 1; ; ) {
    const close = sql.indexOf(quote, at);
    if (close < 0) throw new SqlSyntaxError(`an unterminated ${quote} at ${start}`);
    value += sql.slice(at, close);
    if (sql[close + 1] !== quote) return [value, close + 1];
    value += quote;
    at = close + 2;
  }
}

function closing(sql: string, from: number, close: string, what: string): number {
  const at = sql.indexOf(close, from);
  if (at < 0) throw new SqlSyntaxError(`an unterminated ${what} at ${from}`);
  return at;
}

function lineEnd(sql: string, from: number): number {
  const at = sql.indexOf("\n", from);
  return at < 0 ? sql.length : at + 1;
}

/** A numeric literal at `start`: decimal with fraction and exponent, or hexadecimal. */
function number(sql: string, start: number): [string, number] {
  const match = /^(?:0x[0-9a-f]+|(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)/i.exec(sql.slice(start))!;
  const end = start + match[0].length;
  if (WORD_PART.test(sql[end] ?? "")) throw new SqlSyntaxError(`a malformed number at ${start}`);
  return [match[0], end];
}
