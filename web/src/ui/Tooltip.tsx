import * as RadixTooltip from '@radix-ui/react-tooltip';
import type { ReactElement } from 'react';
import './tooltip.css';

interface TooltipProps {
  /** Shown on hover and keyboard focus; give the control its own `aria-label` too (a tooltip only describes it). */
  label: string;
  /** One focusable element (a button). */
  children: ReactElement;
}

/**
 * A tooltip (Radix) for an icon-only control, in place of `title`: it shows on keyboard focus as well as on hover,
 * and Escape hides it.  Each tooltip carries its own provider, so no app-level provider is needed.
 */
export function Tooltip({ label, children }: TooltipProps) {
  return (
    <RadixTooltip.Provider delayDuration={400}>
      <RadixTooltip.Root>
        <RadixTooltip.Trigger asChild>{children}</RadixTooltip.Trigger>
        <RadixTooltip.Portal>
          <RadixTooltip.Content className="tooltip" sideOffset={4}>
            {label}
            <RadixTooltip.Arrow className="tooltip-arrow" />
          </RadixTooltip.Content>
        </RadixTooltip.Portal>
      </RadixTooltip.Root>
    </RadixTooltip.Provider>
  );
}
