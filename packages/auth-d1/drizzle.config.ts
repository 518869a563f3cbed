import { defineConfig } from "drizzle-kit";

// Generates the SQL shipped in migrations/ from src/schema.ts. No database is contacted.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/schema.ts",
  out: "./migrations",
});
