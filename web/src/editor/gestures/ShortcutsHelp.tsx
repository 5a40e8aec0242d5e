import { type KeyboardEvent, useEffect, useRef } from 'react';
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
    // biome-ignore lint/a11y/noStaticElementInteractions: clicking the backdrop closes; Escape and Close do too
    <div
      className="dialog-backdrop"
      role="presentation"
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div
        className="dialog shortcuts-help"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-help-title"
        data-testid="shortcuts-help"
        onKeyDown={onKeyDown}
      >
        <h2 id="shortcuts-help-title">Keyboard shortcuts</h2>
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
      </div>
    </div>
  );
}
