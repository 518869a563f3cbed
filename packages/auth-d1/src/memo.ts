/**
 * One auth instance per env and options object, for the life of the isolate.
 *
 * @module
 */

const NO_OPTIONS = {};
const CHURN_WARNING_AT = 4;

/**
 * Caches what `build` returns per `env` object and `options` object. Workers hand every request the same
 * `env`, so `createAuth(env)` in the fetch handler builds once per isolate; keys are held weakly.
 */
export function memoizeByEnv<O extends object, R>(build: (env: object, options: O | undefined) => R): (env: object, options?: O) => R {
  const byEnv = new WeakMap<object, { count: number; byOptions: WeakMap<object, R> }>();
  return (env, options) => {
    // Invalid input is left to `build`, which throws the typed error.
    if (env === null || typeof env !== "object") return build(env, options);
    let entry = byEnv.get(env);
    if (!entry) {
      entry = { count: 0, byOptions: new WeakMap() };
      byEnv.set(env, entry);
    }
    const key = options ?? NO_OPTIONS;
    const cached = entry.byOptions.get(key);
    if (cached !== undefined) return cached;
    const built = build(env, options);
    entry.byOptions.set(key, built);
    entry.count += 1;
    if (entry.count === CHURN_WARNING_AT) {
      console.warn(
        "[auth-d1] createAuth(env, options) received a new options object for the same env several times, so each call builds a new instance. Define the options once at module scope.",
      );
    }
    return built;
  };
}
