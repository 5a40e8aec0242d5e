import type { StepManifest } from '@pipewright/step-sdk';
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { EditorState, EditorStore } from './editor.store.ts';

/** The open flow's store, provided per editor (as React Flow provides its own), never a module singleton. */
export const EditorStoreContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStore must be used inside an editor (EditorStoreContext)');
  return store;
}

export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}

export type Catalog = ReadonlyMap<string, StepManifest>;

export const CatalogContext = createContext<Catalog>(new Map());

export const useCatalogEntry = (type: string): StepManifest | undefined => useContext(CatalogContext).get(type);

const versionKey = (type: string, version: number) => `${type}\n${version}`;

/** The older step versions nodes are pinned to, by type and version (the page fetches them: the canvas does no I/O). */
export const PinnedVersionsContext = createContext<ReadonlyMap<string, StepManifest>>(new Map());

export const pinnedVersionsMap = (manifests: readonly StepManifest[]): ReadonlyMap<string, StepManifest> =>
  new Map(manifests.map((manifest) => [versionKey(manifest.type, manifest.version), manifest]));

/**
 * The manifest a canvas node's ports follow: the version it is pinned to once that is known, else the catalog's
 * current one (a node on an older version keeps the ports that version has, e.g. fewer Switch cases).
 */
export function useNodeManifest(type: string, version: number | undefined): StepManifest | undefined {
  const current = useCatalogEntry(type);
  const pinned = useContext(PinnedVersionsContext).get(versionKey(type, version ?? 0));
  return current !== undefined && version !== undefined && version !== current.version ? (pinned ?? current) : current;
}
