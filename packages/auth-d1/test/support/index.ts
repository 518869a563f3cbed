/**
 * The one place tests take their helpers from: adapters under test, the HTTP client, D1 reads, users,
 * and the fixtures of the presets (a WebAuthn authenticator, organizations) and of social sign-in (Google).
 *
 * @module
 */
export * from "./adapters.js";
export * from "./authenticator.js";
export * from "./client.js";
export * from "./counting-d1.js";
export * from "./d1.js";
export * from "./faulty-d1.js";
export * from "./google.js";
export * from "./organization.js";
export * from "./replica-lag.js";
export * from "./users.js";
export * from "./fault-flows.js";
export * from "./invariants.js";
export * from "./mail.js";
