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
    client: "src/client/index.ts",
    "client/presets": "src/client/presets.ts",
  },
  format: ["esm"],
  dts: true,
  clean: true,
  target: "es2023",
  platform: "neutral",
  // No shared chunks: with them, esbuild adds bare `import "./chunk.js"` lines that every Worker build
  // warns about under `sideEffects: false`. What the entries share is small, and nothing in it needs
  // one copy (errors are recognised by name, presets by a registered symbol).
  splitting: false,
  treeshake: true,
  sourcemap: false,
});
