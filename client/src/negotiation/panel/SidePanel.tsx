/**
 * A panel beside the document (comments, amendments): a region named by its
 * heading, with the count of what it lists beside the title. `name` gives
 * the ids: the region `${name}-panel` (focusable, a skip-link target), its
 * heading `${name}-title`, and the test ids `${name}-panel` and `${name}-count`.
 */
import type { ReactNode } from 'react';

interface SidePanelProps {
  name: string;
  title: string;
  count: number;
  /** What the count counts, as a tooltip ("3 open threads"). */
  countTitle: string;
  hidden?: boolean;
  children: ReactNode;
}

export function SidePanel({ name, title, count, countTitle, hidden, children }: SidePanelProps) {
  return (
    <section
      className={`panel ${name}-panel`}
      id={`${name}-panel`}
      tabIndex={-1}
      aria-labelledby={`${name}-title`}
      data-testid={`${name}-panel`}
      hidden={hidden}
    >
      <h2 className="panel__title" id={`${name}-title`}>
        {title}{' '}
        <span className="panel__count" title={countTitle} data-testid={`${name}-count`}>
          {count}
        </span>
      </h2>
      {children}
    </section>
  );
}

/** Why a panel's list may be out of date (the negotiation could not be loaded), said as an alert; nothing without. */
export function PanelAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="panel__hint" role="alert">
      {message}
    </p>
  );
}
