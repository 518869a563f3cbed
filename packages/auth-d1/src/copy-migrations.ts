/**
 * Copies the shipped migrations into a Worker's own migrations folder, without clashing with its numbering.
 *
 * @module
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const MARKER = "auth-d1";

/** The migrations this package ships: dist/*.js and src/*.ts both sit one level below the package root. */
export const SHIPPED_MIGRATIONS_DIR = join(import.meta.dirname, "..", "migrations");

/**
 * Copies each shipped migration that `dir` lacks as `NNNN_auth-d1_<name>.sql`, numbered after the highest
 * number already in `dir`, and returns the new file names. A migration counts as present when a file in
 * `dir` ends with `auth-d1_<name>.sql`.
 *
 * @example
 * ```ts
 * await copyMigrations("migrations"); // ["0003_auth-d1_0000_init.sql"]
 * ```
 */
export async function copyMigrations(dir: string): Promise<string[]> {
  const source = SHIPPED_MIGRATIONS_DIR;
  const shipped = (await readdir(source)).filter((file) => file.endsWith(".sql")).sort();
  await mkdir(dir, { recursive: true });
  const existing = (await readdir(dir)).filter((file) => file.endsWith(".sql"));
  let next = Math.max(0, ...existing.map((file) => Number.parseInt(file, 10)).filter(Number.isFinite)) + 1;
  const copied: string[] = [];
  for (const file of shipped) {
    const suffix = `${MARKER}_${file}`;
    if (existing.some((name) => name.endsWith(suffix))) continue;
    const target = `${String(next).padStart(4, "0")}_${suffix}`;
    await writeFile(join(dir, target), await readFile(join(source, file)));
    copied.push(target);
    next += 1;
  }
  return copied;
}
