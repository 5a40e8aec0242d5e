/**
 * One thing the import did not translate, or translated only approximately: the n8n node (by its name), the
 * parameter path when it is about one field, and what the builder must do about it.
 */
export interface ImportProblem {
  node: string;
  field?: string;
  problem: string;
}
