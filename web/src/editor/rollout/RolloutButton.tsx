import { lazy, Suspense, useState } from 'react';
import type { RolloutMessage } from './rollout-props.ts';

// Loaded when first opened: the dialog stays out of the editor's first bundle (its size budget).
const RolloutDialog = lazy(() => import('./RolloutDialog.tsx').then((module) => ({ default: module.RolloutDialog })));

interface RolloutButtonProps {
  flowId: string;
  /** Why a rollout cannot start now (never published, one in progress); null when it can. */
  unavailable: string | null;
  /** Saves the draft when it has unsaved edits (the editor's save command; it reports failures itself). */
  save(): Promise<void>;
  /** The editor is saving, publishing or starting a run. */
  busy: boolean;
  report(message: RolloutMessage): void;
}

/** The top bar's "Roll out…": publishes the draft to a share of new runs, beside the current version. */
export function RolloutButton({ flowId, unavailable, save, busy, report }: RolloutButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button"
        data-testid="rollout-open"
        disabled={busy || unavailable !== null}
        title={unavailable ?? 'Publish the draft to a share of new runs, beside the current version'}
        onClick={() => setOpen(true)}
      >
        Roll out…
      </button>
      {open && (
        <Suspense fallback={null}>
          <RolloutDialog flowId={flowId} save={save} busy={busy} report={report} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
