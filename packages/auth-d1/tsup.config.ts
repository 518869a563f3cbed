import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/drizzle.ts", "src/kysely.ts", "src/schema.ts", "src/cli.ts"],
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2023",
  platform: "neutral",
  splitting: true,
  treeshake: true,
  sourcemap: false,
});
