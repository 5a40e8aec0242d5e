import { useEffect, useRef, useState } from 'react';
import { useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import {
  ALIGN_KINDS,
  type AlignKind,
  canAlign,
  canDistribute,
  DISTRIBUTE_AXES,
  type DistributeAxis,
} from './align-distribute.ts';
import { arrangeSelection, autoLayout } from './gesture-commands.ts';
import { useGestures } from './gestures-context.ts';

const ALIGN_LABELS: Record<AlignKind, string> = {
  left: 'Align left edges',
  centre: 'Align centres',
  right: 'Align right edges',
  top: 'Align top edges',
  middle: 'Align middles',
  bottom: 'Align bottom edges',
};
const DISTRIBUTE_LABELS: Record<DistributeAxis, string> = {
  horizontal: 'Distribute horizontally',
  vertical: 'Distribute vertically',
};

/** The top bar's arrange and find controls: auto-layout, align/distribute, find, shortcuts. */
export function GestureToolbar() {
  const store = useEditorStore();
  const { notify, openSearch, openHelp } = useGestures();
  const readOnly = useEditor((state) => state.session.readOnly);
  const selected = useEditor((state) => state.session.selectedNodeIds.length);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!menuOpen) return;
    // Capture phase: the canvas's pan handler stops pointer events from bubbling to the document.
    const closeOutside = (event: PointerEvent) => {
      if (!menuRef.current?.contains(event.target as Node | null)) setMenuOpen(false);
    };
    const closeOnEscape = (event: KeyboardEvent) => event.key === 'Escape' && setMenuOpen(false);
    document.addEventListener('pointerdown', closeOutside, true);
    document.addEventListener('keydown', closeOnEscape);
    return () => {
      document.removeEventListener('pointerdown', closeOutside, true);
      document.removeEventListener('keydown', closeOnEscape);
    };
  }, [menuOpen]);

  const arrange = (how: { align: AlignKind } | { distribute: DistributeAxis }) => {
    setMenuOpen(false);
    arrangeSelection(store, how);
  };

  return (
    <div className="button-group gesture-toolbar">
      <button
        type="button"
        className="button"
        data-testid="auto-layout-button"
        disabled={readOnly}
        title="Lay the flow out left to right (Shift+Alt+L); undo restores it"
        onClick={() => notify(autoLayout(store) ? 'Laid out the flow' : 'The flow is already laid out')}
      >
        Auto-layout
      </button>
      <div className="gesture-menu" ref={menuRef}>
        <button
          type="button"
          className="button"
          data-testid="align-button"
          aria-haspopup="menu"
          aria-expanded={menuOpen}
          disabled={readOnly || !canAlign(selected)}
          title="Align or distribute the selected steps"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Align ▾
        </button>
        {menuOpen && (
          <div className="gesture-menu-list" role="menu" aria-label="Align and distribute">
            {ALIGN_KINDS.map((kind) => (
              <button
                key={kind}
                type="button"
                role="menuitem"
                data-testid={`align-${kind}`}
                onClick={() => arrange({ align: kind })}
              >
                {ALIGN_LABELS[kind]}
              </button>
            ))}
            {DISTRIBUTE_AXES.map((axis) => (
              <button
                key={axis}
                type="button"
                role="menuitem"
                data-testid={`distribute-${axis}`}
                disabled={!canDistribute(selected)}
                title={canDistribute(selected) ? undefined : 'Select three or more steps'}
                onClick={() => arrange({ distribute: axis })}
              >
                {DISTRIBUTE_LABELS[axis]}
              </button>
            ))}
          </div>
        )}
      </div>
      <button
        type="button"
        className="button"
        data-testid="find-node-button"
        title="Find a step (Ctrl+F)"
        onClick={openSearch}
      >
        Find
      </button>
      <button
        type="button"
        className="button"
        data-testid="shortcuts-button"
        title="Keyboard shortcuts (?)"
        aria-label="Keyboard shortcuts"
        onClick={openHelp}
      >
        ?
      </button>
    </div>
  );
}
