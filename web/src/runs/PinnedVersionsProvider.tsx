import type { ReactNode } from 'react';
import { useMemo } from 'react';
import { usePinnedVersions } from '../api/queries.ts';
import { type Catalog, PinnedVersionsContext, pinnedVersionsMap, useEditor } from '../canvas/editor-context.ts';

/**
 * Fetches the older step versions the open document's nodes are pinned to and hands them to the canvas, whose
 * nodes then draw the ports of their own version.  Used by the editor and the run page (here, as the editor may
 * import runs/ and not the other way round).
 */
export function PinnedVersionsProvider({ catalog, children }: { catalog: Catalog; children: ReactNode }) {
  const nodes = useEditor((state) => state.document.doc.nodes);
  const manifests = usePinnedVersions(nodes, catalog);
  const pinned = useMemo(() => pinnedVersionsMap(manifests), [manifests]);
  return <PinnedVersionsContext.Provider value={pinned}>{children}</PinnedVersionsContext.Provider>;
}
