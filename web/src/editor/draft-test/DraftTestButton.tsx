import { lazy, Suspense, useState } from 'react';
import { useEditor } from '../../canvas/editor-context.ts';

// Loaded when first opened: the dialog and its report views stay out of the editor's first bundle (its size budget).
const DraftTestDialog = lazy(() =>
  import('./DraftTestDialog.tsx').then((module) => ({ default: module.DraftTestDialog })),
);

interface DraftTestButtonProps {
  flowId: string;
  save(): Promise<void>;
  busy: boolean;
}

/** The top bar's entry to "Test against recent runs"; says so when publishing needs a passing test. */
export function DraftTestButton({ flowId, save, busy }: DraftTestButtonProps) {
  const [open, setOpen] = useState(false);
  const required = useEditor((state) => state.document.doc.settings?.publishRequiresDraftTest === true);
  return (
    <>
      <button type="button" className="link-button" data-testid="draft-test-open" onClick={() => setOpen(true)}>
        Test against recent runs{required ? ' (required to publish)' : ''}
      </button>
      {open && (
        <Suspense fallback={null}>
          <DraftTestDialog flowId={flowId} save={save} busy={busy} onClose={() => setOpen(false)} />
        </Suspense>
      )}
    </>
  );
}
