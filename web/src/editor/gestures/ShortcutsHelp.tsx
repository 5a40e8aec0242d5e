import { type KeyboardEvent, useEffect, useRef } from 'react';
import { ModalDialog } from '../../ui/ModalDialog.tsx';
import { isMacPlatform, shortcutGroups } from './shortcuts.ts';

/**
 * The keyboard shortcuts, as a modal dialog: focus moves to its Close button on open and back to where it was on
 * close; Escape, Close and the backdrop close it; Tab stays inside.
 */
export function ShortcutsHelp({ onClose }: { onClose(): void }) {
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeRef.current?.focus();
    return () => previous?.focus();
  }, []);
  const mod = isMacPlatform(navigator.platform) ? '⌘' : 'Ctrl';
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onClose();
    } else if (event.key === 'Tab') {
      // One focusable control: Tab keeps focus on it rather than leaving the modal.
      event.preventDefault();
      closeRef.current?.focus();
    }
  };

  return (
    <ModalDialog
      title="Keyboard shortcuts"
      titleId="shortcuts-help-title"
      testId="shortcuts-help"
      className="shortcuts-help"
      onClose={onClose}
      onKeyDown={onKeyDown}
    >
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
        <button type="button" className="button" ref={closeRef} data-testid="shortcuts-help-close" onClick={onClose}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}
