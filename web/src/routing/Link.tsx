import type { MouseEvent, ReactNode } from 'react';
import { navigate } from './router.ts';

interface LinkProps {
  to: string;
  children: ReactNode;
  className?: string;
  testId?: string;
}

export function Link({ to, children, className, testId }: LinkProps) {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} data-testid={testId}>
      {children}
    </a>
  );
}
