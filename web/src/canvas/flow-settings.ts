import type { FlowSettings } from '@pipewright/flow';
import type { EditorStore } from './editor.store.ts';

/**
 * Sets one of the flow's settings (`undefined`: removes it) as one undoable edit of the document; a flow left with no
 * settings stores none.
 */
export function setFlowSetting<K extends keyof FlowSettings>(
  store: EditorStore,
  key: K,
  value: FlowSettings[K] | undefined,
): void {
  const settings: FlowSettings = { ...store.getState().document.doc.settings };
  if (value === undefined) delete settings[key];
  else settings[key] = value;
  store.getState().actions.dispatch({
    kind: 'updateFlowSettings',
    settings: Object.keys(settings).length > 0 ? settings : undefined,
  });
}
