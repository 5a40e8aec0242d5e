import { useRouter } from '@tanstack/react-router';
import type { MouseEvent, ReactNode } from 'react';

interface LinkProps {
  /** An app path, as `paths` builds it. */
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}

/**
 * An in-app link: a real `<a href>` (middle-click and ⌘-click open a tab), a plain click navigates through the router
 * and so through its blockers.  Takes the string `paths` builds rather than TanStack's typed `to` (docs/adr/023).
 */
export function Link({ to, children, className, testId }: LinkProps) {
  const router = useRouter();
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) return;
    event.preventDefault();
    void router.navigate({ href: to });
  };
  return (
    <a href={to} onClick={onClick} className={className} data-testid={testId}>
      {children}
    </a>
  );
}
