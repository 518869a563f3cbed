/**
 * The real local D1 binding with one fault injected: the k-th call that would reach D1 fails instead, or
 * a batch fails after D1 committed it (the answer lost on the way back).
 */
import { observed, unwrapped } from "./counting-d1.js";

export interface FaultyD1 {
  binding: D1Database;
  /** Calls that reached D1 (or would have, for the failed one), in order, since the last `arm`. */
  calls: string[];
  /** Sets the fault for what follows and starts counting calls from 1 again. */
  arm(fault: Fault): void;
}

export interface Fault {
  /** Fails the call with this 1-based number, before it reaches D1. */
  failCall?: number;
  /** The failed call's error message, e.g. a transient D1 error ("D1_ERROR: Network connection lost."). */
  message?: string;
  /** Lets every batch run, then throws as if its answer was lost (with `message` when given). */
  failAfterBatch?: boolean;
}

export class InjectedFault extends Error {
  constructor(where: string, message?: string) {
    super(message ?? `injected D1 fault at ${where}`);
  }
}

/**
 * @example
 * const faulty = faultyD1(env.DB);
 * const auth = createAuth({ ...env, DB: faulty.binding });
 * faulty.arm({ failCall: 2 }); // the next request's second D1 call fails
 * faulty.arm({ failCall: 2, message: "D1_ERROR: Network connection lost." }); // ... with a transient error
 */
export function faultyD1(database: D1Database, initial: Fault = {}): FaultyD1 {
  const calls: string[] = [];
  let fault = initial;
  const reach = (what: string): void => {
    calls.push(what);
    if (calls.length === fault.failCall) throw new InjectedFault(`call ${calls.length}: ${what}`, fault.message);
  };
  const binding = {
    prepare: (query: string) => observed(database.prepare(query), query, reach),
    async batch(list: D1PreparedStatement[]) {
      reach(`batch of ${list.length}`);
      const results = await database.batch(list.map(unwrapped));
      if (fault.failAfterBatch) throw new InjectedFault("after a committed batch", fault.message);
      return results;
    },
    async exec(query: string) {
      reach(query);
      return database.exec(query);
    },
  } as unknown as D1Database;
  return {
    binding,
    calls,
    arm(next) {
      fault = next;
      calls.length = 0;
    },
  };
}
