import type { RunNodeView } from '@pipewright/api-contract';
import { iterationsRun } from './loop-iterations.ts';

/**
 * Which iteration of a Loop the run view shows for the Loop's body nodes.  Numbered from 1 as builders count; the
 * item index (`index` in expressions) is shown beside it.
 */
export function IterationPicker({
  loopId,
  view,
  shown,
  onPick,
}: {
  loopId: string;
  view: RunNodeView;
  shown: number | undefined;
  onPick: (index: number) => void;
}) {
  const iterations = view.iterations ?? [];
  if (iterations.length === 0) return null;
  const total = iterationsRun(view);
  return (
    <div className="iteration-picker">
      <label htmlFor={`iteration-${loopId}`} className="small">
        Iteration
      </label>
      <select
        id={`iteration-${loopId}`}
        className="input iteration-select"
        data-testid={`iteration-picker-${loopId}`}
        value={shown ?? ''}
        onChange={(event) => onPick(Number(event.target.value))}
      >
        {iterations.map((iteration) => (
          <option key={iteration.index} value={iteration.index}>
            {iteration.index + 1} (item {iteration.index}){iteration.status === 'failed' ? ' — failed' : ''}
          </option>
        ))}
      </select>
      {total !== undefined && total > iterations.length && (
        <span className="muted small" data-testid={`iteration-limit-${loopId}`}>
          first {iterations.length} of {total} kept
        </span>
      )}
    </div>
  );
}
