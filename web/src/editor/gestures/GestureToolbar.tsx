import { useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import { Menu, MenuItem } from '../../ui/Menu.tsx';
import { Tooltip } from '../../ui/Tooltip.tsx';
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

  const arrange = (how: { align: AlignKind } | { distribute: DistributeAxis }) => arrangeSelection(store, how);

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
      <Menu
        label="Align and distribute"
        trigger={
          <button
            type="button"
            className="button"
            data-testid="align-button"
            disabled={readOnly || !canAlign(selected)}
            title="Align or distribute the selected steps"
          >
            Align ▾
          </button>
        }
      >
        {ALIGN_KINDS.map((kind) => (
          <MenuItem key={kind} testId={`align-${kind}`} onSelect={() => arrange({ align: kind })}>
            {ALIGN_LABELS[kind]}
          </MenuItem>
        ))}
        {DISTRIBUTE_AXES.map((axis) => (
          <MenuItem
            key={axis}
            testId={`distribute-${axis}`}
            disabled={!canDistribute(selected)}
            {...(canDistribute(selected) ? {} : { hint: 'Select three or more steps' })}
            onSelect={() => arrange({ distribute: axis })}
          >
            {DISTRIBUTE_LABELS[axis]}
          </MenuItem>
        ))}
      </Menu>
      <button
        type="button"
        className="button"
        data-testid="find-node-button"
        title="Find a step (Ctrl+F)"
        onClick={openSearch}
      >
        Find
      </button>
      <Tooltip label="Keyboard shortcuts (?)">
        <button
          type="button"
          className="button"
          data-testid="shortcuts-button"
          aria-label="Keyboard shortcuts"
          onClick={openHelp}
        >
          ?
        </button>
      </Tooltip>
    </div>
  );
}
