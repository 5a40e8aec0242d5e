import * as RadixTabs from '@radix-ui/react-tabs';
import type { ReactNode } from 'react';
import './tabs.css';

interface TabsProps {
  /** The shown tab's `value`. */
  value: string;
  onChange(value: string): void;
  /** Tab lists and panels anywhere below; the root adds no box of its own (`display: contents`). */
  children: ReactNode;
}

/**
 * Tabs (Radix): one tab list and its panels.  Arrow keys move between tabs and show each; only the shown panel is
 * mounted.
 */
export function Tabs({ value, onChange, children }: TabsProps) {
  return (
    <RadixTabs.Root className="tabs" value={value} onValueChange={onChange} activationMode="automatic">
      {children}
    </RadixTabs.Root>
  );
}

/** The row of tabs; `label` names it for screen readers. */
export function TabList({ label, children }: { label: string; children: ReactNode }) {
  return (
    <RadixTabs.List className="tab-list" aria-label={label}>
      {children}
    </RadixTabs.List>
  );
}

export function Tab({ value, testId, children }: { value: string; testId?: string; children: ReactNode }) {
  return (
    <RadixTabs.Trigger className="button tab" value={value} data-testid={testId}>
      {children}
    </RadixTabs.Trigger>
  );
}

/** A tab's content, mounted while its tab is shown. */
export function TabPanel({ value, className, children }: { value: string; className?: string; children: ReactNode }) {
  return (
    <RadixTabs.Content className={className} value={value}>
      {children}
    </RadixTabs.Content>
  );
}
