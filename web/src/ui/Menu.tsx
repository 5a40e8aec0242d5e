import * as RadixMenu from '@radix-ui/react-dropdown-menu';
import type { ReactElement, ReactNode } from 'react';
import './menu.css';

interface MenuProps {
  /** The button that opens the menu; it gets `aria-haspopup`, `aria-expanded` and the open/close handling. */
  trigger: ReactElement;
  /** Names the menu for screen readers. */
  label: string;
  children: ReactNode;
}

/**
 * A dropdown menu (Radix): arrow keys move between items, typing jumps to one, Escape or a click outside closes it
 * and focus goes back to the trigger.  Portalled, so no ancestor's `overflow` clips it.  Not modal: a menu (unlike a
 * dialog) leaves the page readable, so it does not hide the rest with `aria-hidden` (axe: aria-hidden-focus).
 */
export function Menu({ trigger, label, children }: MenuProps) {
  return (
    <RadixMenu.Root modal={false}>
      <RadixMenu.Trigger asChild>{trigger}</RadixMenu.Trigger>
      <RadixMenu.Portal>
        <RadixMenu.Content className="menu" aria-label={label} align="start" sideOffset={4}>
          {children}
        </RadixMenu.Content>
      </RadixMenu.Portal>
    </RadixMenu.Root>
  );
}

interface MenuItemProps {
  testId?: string;
  disabled?: boolean;
  /** Why a disabled item is disabled, say. */
  hint?: string;
  onSelect(): void;
  children: ReactNode;
}

/** One entry of a `Menu`; choosing it closes the menu. */
export function MenuItem({ testId, disabled, hint, onSelect, children }: MenuItemProps) {
  return (
    <RadixMenu.Item className="menu-item" data-testid={testId} disabled={disabled} title={hint} onSelect={onSelect}>
      {children}
    </RadixMenu.Item>
  );
}
