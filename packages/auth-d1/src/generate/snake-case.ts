/**
 * The one snake_case rule of this package's schema.
 *
 * @module
 */

/**
 * snake_case the way Kysely's `CamelCasePlugin` (and so our `FieldCasePlugin`) writes identifiers:
 * `emailVerified` -> `email_verified`, `credentialID` -> `credential_id`, `custom_field` unchanged.
 *
 * @example
 * ```ts
 * snakeCase("walletAddress"); // "wallet_address"
 * ```
 */
export function snakeCase(name: string): string {
  let out = name.slice(0, 1).toLowerCase();
  for (let i = 1; i < name.length; i++) {
    const char = name[i]!;
    const previous = name[i - 1]!;
    const isUpper = char !== char.toLowerCase();
    const previousUpper = previous !== previous.toLowerCase();
    out += isUpper && !previousUpper ? `_${char.toLowerCase()}` : char.toLowerCase();
  }
  return out;
}
