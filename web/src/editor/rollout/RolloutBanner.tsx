import type { FlowRolloutSummary } from '@pipewright/api-contract';
import { lazy, Suspense } from 'react';
import type { RolloutMessage } from './rollout-props.ts';

// Loaded when a flow has a rollout: the panel and its comparison stay out of the editor's first bundle.
const RolloutPanel = lazy(() => import('./RolloutPanel.tsx').then((module) => ({ default: module.RolloutPanel })));

interface RolloutBannerProps {
  flowId: string;
  rollout: FlowRolloutSummary;
  busy: boolean;
  report(message: RolloutMessage): void;
}

/** The top bar's row for a rollout in progress (placed only while `FlowDetail.rollout` is set). */
export function RolloutBanner(props: RolloutBannerProps) {
  return (
    <Suspense fallback={null}>
      <RolloutPanel {...props} />
    </Suspense>
  );
}
