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
  // Keep `node:async_hooks` as written: workerd resolves `node:` modules under `nodejs_als` or `nodejs_compat`,
  // but a bare `async_hooks` only under `nodejs_compat`, and esbuild's `external: ["node:*"]` misses it.
  removeNodeProtocol: false,
  external: [/^node:/], // what tsup's protocol removal did besides: leave Node's modules to the runtime (the CLI runs in Node)
  sourcemap: false,
});
