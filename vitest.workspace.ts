// Vitest 4+ has no workspace files: this is an ordinary config whose `projects` list every package's and
// example's vitest config. The root scripts pass it explicitly: `vitest run --config vitest.workspace.ts`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["packages/*/vitest.config.ts", "examples/*/vitest.config.ts"],
  },
});
