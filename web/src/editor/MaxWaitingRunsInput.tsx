import { MAX_WAITING_RUNS_LIMIT } from '@pipewright/flow';
import { FlowLimitInput } from './FlowLimitInput.tsx';

/**
 * The flow's ceiling of runs waiting to start (`settings.maxWaitingRuns`, docs/adr/027): past it, its webhooks are
 * answered 429 with Retry-After.  It only lowers the instance's ceiling.
 */
export function MaxWaitingRunsInput() {
  return (
    <FlowLimitInput
      setting="maxWaitingRuns"
      max={MAX_WAITING_RUNS_LIMIT}
      before="429 past"
      after="waiting"
      ariaLabel="Answer webhooks 429 past this many runs waiting to start (empty: the instance's ceiling)"
      testId="max-waiting-runs"
      className="max-concurrent-runs"
    />
  );
}
