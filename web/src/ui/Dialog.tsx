import * as RadixDialog from '@radix-ui/react-dialog';
import type { KeyboardEvent, ReactNode } from 'react';
import './dialog.css';

interface DialogProps {
  /** The heading; it names the dialog for screen readers. */
  title: string;
  testId: string;
  /** Extra class beside `dialog` (a width, say). */
  className?: string;
  /** Escape, a click on the backdrop, or the caller's own Close button. */
  onClose(): void;
  onKeyDown?(event: KeyboardEvent): void;
  children: ReactNode;
}

/**
 * A modal dialog (Radix): shown while mounted, so callers render it conditionally.  Focus moves to its first control
 * (or an `autoFocus` one), Tab stays inside, Escape and the backdrop close it, and focus goes back to the control
 * that opened it.  It is portalled to the end of `<body>`.
 */
export function Dialog({ title, testId, className, onClose, onKeyDown, children }: DialogProps) {
  return (
    <RadixDialog.Root open onOpenChange={(open) => !open && onClose()}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="dialog-backdrop" />
        <RadixDialog.Content
          className={className === undefined ? 'dialog' : `dialog ${className}`}
          data-testid={testId}
          // The body explains itself; without this Radix warns that no Description is given.
          aria-describedby={undefined}
          onKeyDown={onKeyDown}
        >
          <RadixDialog.Title>{title}</RadixDialog.Title>
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
