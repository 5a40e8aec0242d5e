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
