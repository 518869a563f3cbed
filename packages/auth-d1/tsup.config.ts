import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    drizzle: "src/drizzle.ts",
    kysely: "src/kysely.ts",
    schema: "src/schema.ts",
    cli: "src/cli.ts",
    "presets/index": "src/presets/index.ts",
    "presets/passkey": "src/presets/passkey.ts",
    client: "src/client.ts",
  },
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2023",
  platform: "neutral",
  splitting: true,
  treeshake: true,
  sourcemap: false,
});
