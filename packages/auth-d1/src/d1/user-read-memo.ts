/**
 * A user row this request has just read, handed to a lookup of the same user by id that comes next.
 *
 * @module
 */
import { defineRequestState, hasRequestState } from "@better-auth/core/context";

interface AdapterQuery {
  model?: unknown;
  where?: Array<{ field?: unknown; operator?: unknown; value?: unknown }>;
  select?: unknown;
  join?: Record<string, unknown>;
}

interface Memo {
  row: Record<string, unknown> | undefined;
  /** Adapter calls of this request started so far, and those still running. */
  started: number;
  running: number;
}

const memo = defineRequestState<Memo>(() => ({ row: undefined, started: 0, running: 0 }));

/**
 * Runs one adapter call of the current request. Sign-in reads the user by email (with its accounts), then
 * `presets.admin`'s session hook reads the same user by id to check for a ban: one D1 round trip more for a
 * row the request holds already. A `findOne` of a user by id is answered from the row read by the call just
 * before it, only when no other call of the request started or ran since that read and no transaction is
 * open: it sees what a read sent then would have seen. Outside a request (no better-auth request state)
 * every call goes to D1.
 */
export async function withUserReadMemo(method: string, args: unknown[], inTransaction: boolean, run: () => Promise<unknown>): Promise<unknown> {
  if (!(await hasRequestState())) return run();
  const state = await memo.get();
  const query = (args[0] ?? {}) as AdapterQuery;
  const held = state.row;
  if (method === "findOne" && held && state.running === 0 && !inTransaction && isUserById(query) && held.id === query.where?.[0]?.value) {
    return { ...held };
  }
  state.row = undefined;
  const turn = ++state.started;
  state.running += 1;
  try {
    const result = await run();
    // Kept only when nothing else of this request started or ran while it was read.
    const alone = state.started === turn && state.running === 1;
    if (alone && !inTransaction && method === "findOne" && query.model === "user" && query.select === undefined && isRow(result)) {
      state.row = withoutJoined(result, query.join);
    }
    return result;
  } finally {
    state.running -= 1;
  }
}

function isUserById(query: AdapterQuery): boolean {
  const [only, ...rest] = query.where ?? [];
  return (
    query.model === "user" &&
    only?.field === "id" &&
    (only.operator === undefined || only.operator === "eq") &&
    rest.length === 0 &&
    query.select === undefined &&
    Object.keys(query.join ?? {}).length === 0
  );
}

function isRow(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && typeof (value as { id?: unknown }).id === "string";
}

/** The user's own fields: a joined read also carries the joined models under their names. */
function withoutJoined(row: Record<string, unknown>, join: Record<string, unknown> | undefined): Record<string, unknown> {
  const own = { ...row };
  for (const model of Object.keys(join ?? {})) delete own[model];
  return own;
}
