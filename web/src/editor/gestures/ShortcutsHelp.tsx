import { Dialog } from '../../ui/Dialog.tsx';
import { isMacPlatform, shortcutGroups } from './shortcuts.ts';

/**
 * The keyboard shortcuts, as a modal dialog: focus moves to its Close button (its one control) on open and back to
 * where it was on close; Escape, Close and the backdrop close it; Tab stays inside.
 */
export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const mod = isMacPlatform(navigator.platform) ? '⌘' : 'Ctrl';

  return (
    <Dialog title="Keyboard shortcuts" testId="shortcuts-help" className="shortcuts-help" onClose={onClose}>
      <div className="shortcuts-groups">
        {shortcutGroups(mod).map((group) => (
          <section key={group.title} aria-label={group.title}>
            <h3>{group.title}</h3>
            <dl>
              {group.entries.map((entry) => (
                <div key={entry.action} className="shortcut-row">
                  <dt>
                    {entry.keys.map((key, index) => (
                      <span key={key}>
                        {index > 0 && <span aria-hidden> + </span>}
                        <kbd>{key}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{entry.action}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="shortcuts-help-close" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
