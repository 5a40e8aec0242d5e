import type { KeyboardEvent, ReactNode } from 'react';

interface ModalDialogProps {
  /** The heading; it labels the dialog for screen readers. */
  title: string;
  /** The heading's element id (unique on the page). */
  titleId: string;
  testId: string;
  /** Extra class beside `dialog`. */
  className?: string;
  onClose(): void;
  onKeyDown?(event: KeyboardEvent): void;
  children: ReactNode;
}

/** A modal dialog box over a backdrop; a click on the backdrop closes it. */
export function ModalDialog({ title, titleId, testId, className, onClose, onKeyDown, children }: ModalDialogProps) {
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: clicking the backdrop closes; each dialog has a button too
    <div
      className="dialog-backdrop"
      role="presentation"
      onMouseDown={(event) => event.target === event.currentTarget && onClose()}
    >
      <div
        className={className === undefined ? 'dialog' : `dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}
