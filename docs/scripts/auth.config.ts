// The options of docs/plugins.md, in the module a Worker and `auth-d1 generate --config` both read.
// auth-schema.ts beside it is what `auth-d1 generate --drizzle` writes for them.
import type { AuthD1Options } from "@acme/auth-d1";
import { username } from "better-auth/plugins/username";

const options = {
  plugins: [username()],
  user: {
    additionalFields: {
      companyName: { type: "string", required: false },
      plan: { type: "string", required: false, defaultValue: "free", input: false },
    },
  },
} satisfies AuthD1Options;

export default options;
