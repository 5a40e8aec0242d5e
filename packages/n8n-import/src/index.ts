export { importN8nWorkflow, type N8nImportResult, SUPPORTED_N8N_TYPES } from './import-workflow.ts';
export {
  type InputIssue,
  MAX_WORKFLOW_CHARS,
  MAX_WORKFLOW_NODES,
  N8nWorkflowError,
  parseN8nWorkflow,
} from './n8n-workflow.ts';
export type { ImportProblem } from './report.ts';
