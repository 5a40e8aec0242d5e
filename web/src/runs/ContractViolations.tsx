import { useEditor } from '../canvas/editor-context.ts';
import { violationsOf } from './contract-violations.ts';

/** A banner on a run whose webhook body broke the flow's contract (flag mode: the run went on). */
export function ContractViolations() {
  const nodes = useEditor((state) => state.document.doc.nodes);
  const runNodes = useEditor((state) => state.run.nodes);
  const trigger = nodes.find((node) => node.type === 'core.webhook');
  const violations = trigger ? violationsOf(runNodes[trigger.id]?.output) : undefined;
  if (violations === undefined) return null;
  return (
    <div className="contract-violations-banner" data-testid="run-contract-violations" role="status">
      The request body broke the flow’s contract:{' '}
      {violations.map((violation) => `${violation.path}: ${violation.message}`).join('; ') || 'no details'}
    </div>
  );
}
