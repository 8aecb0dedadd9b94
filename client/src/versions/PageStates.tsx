/** Loading, not-found and error states of the versions pages. */
import type { UserProfile } from '@draftroom/shared';
import type { ReactNode } from 'react';
import { AppHeader } from '../components/AppHeader';
import { Link } from '../router';

export function Loading({ message }: { message: string }) {
  return (
    <p className="page-state" role="status">
      <span className="spinner" aria-hidden="true" /> {message}
    </p>
  );
}

interface PageProblemProps {
  user: UserProfile;
  title: string;
  message: string;
  /** Another way out than "Back to documents". */
  action?: ReactNode;
}

/** A page that could not be shown: why, and a way out. */
export function PageProblem({ user, title, message, action }: PageProblemProps) {
  return (
    <div className="app-shell">
      <AppHeader user={user} />
      <main className="page-message">
        <h1>{title}</h1>
        <p role="alert">{message}</p>
        {action ?? (
          <Link to="/" className="button">
            Back to documents
          </Link>
        )}
      </main>
    </div>
  );
}

/** The message of a resource that is missing or failed. */
export function problemMessage(status: 'not-found' | 'error', what: string, error?: string): string {
  if (status === 'not-found') return `This ${what} does not exist or you have no access to it.`;
  return error ?? `The ${what} could not be loaded.`;
}
