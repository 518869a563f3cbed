/**
 * A `CamelCasePlugin` that gives result keys back exactly as the query named them.
 *
 * @module
 */
import { CamelCasePlugin } from "kysely";

/**
 * Writes identifiers as snake_case, like Kysely's `CamelCasePlugin`, and reads result keys back to the very
 * name that was written, not a guess. The stock plugin camelizes every result key, so a field better-auth
 * names `custom_field` comes back as `customField` and is lost; this one remembers that `custom_field` was
 * sent as `custom_field` and `email_verified` as `emailVerified`.
 *
 * @example
 * ```ts
 * const plugin = new FieldCasePlugin();
 * plugin.remember(["emailVerified", "custom_field"]); // names a `selectAll()` may return before any query used them
 * const db = new Kysely<Database>({ dialect, plugins: [plugin] });
 * ```
 */
export class FieldCasePlugin extends CamelCasePlugin {
  readonly #originals = new Map<string, string>();

  /** Registers names whose snake_case form may come back in results before a query has used them. */
  remember(names: Iterable<string>): void {
    for (const name of names) this.snakeCase(name);
  }

  /** The column name `name` is written as. */
  columnName(name: string): string {
    return this.snakeCase(name);
  }

  protected override snakeCase(name: string): string {
    const snake = super.snakeCase(name);
    this.#originals.set(snake, name);
    return snake;
  }

  protected override camelCase(name: string): string {
    return this.#originals.get(name) ?? super.camelCase(name);
  }
}
