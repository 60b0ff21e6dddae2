// An empty list or section: what is not there yet, and what to do next.
import type { ReactNode } from "react";

export function EmptyState({ title, children, testId }: { title: string; children?: ReactNode; testId?: string }) {
  return (
    <div className="empty" data-testid={testId}>
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}
