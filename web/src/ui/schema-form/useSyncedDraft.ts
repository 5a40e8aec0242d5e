import { useEffect, useRef, useState } from 'react';

/**
 * Local editing text for a stored value that does not round-trip keystroke by keystroke (JSON, comma lists,
 * key/value rows).  The draft is replaced only when the stored value changes to something the draft does not
 * already mean (undo, another node selected), so a half-typed draft is never clobbered by its own echo.
 */
export function useSyncedDraft<D>(value: unknown, toDraft: (value: unknown) => D, fromDraft: (draft: D) => unknown) {
  const [draft, setDraft] = useState<D>(() => toDraft(value));
  const draftRef = useRef(draft);
  draftRef.current = draft;
  // biome-ignore lint/correctness/useExhaustiveDependencies: only an external change of `value` resets the draft
  useEffect(() => {
    if (JSON.stringify(fromDraft(draftRef.current)) !== JSON.stringify(value)) setDraft(toDraft(value));
  }, [value]);
  return [draft, setDraft] as const;
}
