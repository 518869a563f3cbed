/**
 * What Kysely's operation tree says a query is: its kind and the tables it reads or writes. The driver checks
 * the SQL classifier's reading of the compiled text against it (src/d1/sql/classify.ts, `agreeing`), so a
 * text the classifier misreads is sent as opaque instead of trusted.
 *
 * @module
 */
import type { OperationNode, RootOperationNode } from "kysely";
import type { StatementClaim } from "../d1/sql/classify.js";

const KINDS: Partial<Record<string, StatementClaim["kind"]>> = {
  SelectQueryNode: "select",
  InsertQueryNode: "insert",
  UpdateQueryNode: "update",
  DeleteQueryNode: "delete",
};

/**
 * The kind of `root` and its tables: every table a read takes rows from (FROM and JOIN, subqueries included),
 * or the one table a write changes. `undefined` for raw SQL (`sql\`...\``) and anything else with no tree to read.
 *
 * @example
 * ```ts
 * treeStatement(db.selectFrom("user").selectAll().compile().query); // { kind: "select", tables: Set {"user"} }
 * ```
 */
export function treeStatement(root: RootOperationNode): StatementClaim | undefined {
  const kind = KINDS[root.kind];
  if (kind === undefined) return undefined;
  const tables = new Set<string>();
  if (root.kind === "InsertQueryNode") tableNames(root.into, tables);
  else if (root.kind === "UpdateQueryNode") tableNames(root.table, tables);
  else if (root.kind === "DeleteQueryNode") root.from.froms.forEach((from) => tableNames(from, tables));
  else readTables(root, tables);
  return { kind, tables };
}

/** Every table `node` and the nodes under it read rows from. */
function readTables(node: OperationNode, tables: Set<string>): void {
  if (node.kind === "FromNode") (node as OperationNode & { froms: readonly OperationNode[] }).froms.forEach((from) => tableNames(from, tables));
  if (node.kind === "JoinNode") tableNames((node as OperationNode & { table: OperationNode }).table, tables);
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child !== null && typeof child === "object" && typeof (child as OperationNode).kind === "string") readTables(child as OperationNode, tables);
    }
  }
}

/** The table `node` names, through an alias; a schema-qualified one as `schema.table`. Subqueries add none here. */
function tableNames(node: OperationNode | undefined, tables: Set<string>): void {
  if (node?.kind === "AliasNode") return tableNames((node as OperationNode & { node: OperationNode }).node, tables);
  if (node?.kind !== "TableNode") return;
  const { schema, identifier } = (node as OperationNode & { table: { schema?: { name: string }; identifier: { name: string } } }).table;
  tables.add(`${schema === undefined ? "" : `${schema.name}.`}${identifier.name}`.toLowerCase());
}
