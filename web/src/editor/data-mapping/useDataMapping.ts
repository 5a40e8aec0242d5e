import { createContext, useContext, useMemo } from 'react';
import { selectPinnedSamples } from '../../canvas/editor.selectors.ts';
import { CatalogContext, useEditor } from '../../canvas/editor-context.ts';
import { buildSampleContext, mergeSamples, type PathSuggestion, suggestPaths } from './data-mapping.ts';

/** What expression inputs of the node being edited can use: path suggestions and the sample context for previews. */
export interface DataMapping {
  nodeId: string;
  suggestions: PathSuggestion[];
  context: Record<string, unknown>;
  samples: Record<string, unknown>;
}

/** Provided by the inspector for the selected node; expression inputs outside it get no suggestions or preview. */
export const DataMappingContext = createContext<DataMapping | null>(null);

export const useDataMappingContext = (): DataMapping | null => useContext(DataMappingContext);

/** MIME type of a field dragged from an output tree: the payload is the expression path. */
export const FIELD_PATH_MIME = 'application/x-pipewright-path';

export function useNodeDataMapping(nodeId: string): DataMapping {
  const doc = useEditor((state) => state.document.doc);
  const runNodes = useEditor((state) => state.run.nodes);
  // Saved with the draft, so previews and autocomplete have them after a reload.
  const pinned = useEditor(selectPinnedSamples);
  const manifests = useContext(CatalogContext);
  return useMemo(() => {
    const samples = mergeSamples(runNodes, pinned);
    const sources = { doc, nodeId, manifests, samples };
    return { nodeId, samples, suggestions: suggestPaths(sources), context: buildSampleContext(sources) };
  }, [doc, nodeId, manifests, runNodes, pinned]);
}
