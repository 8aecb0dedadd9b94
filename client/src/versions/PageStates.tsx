/** Loading, not-found and error states of the pages about one document (versions, compare, compilation). */
import type { DocumentDetail, UserProfile } from '@draftroom/shared';
import type { ReactNode } from 'react';
import { AppHeader } from '../components/AppHeader';
import { Link } from '../router';
import type { Resource } from './useResource';

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

/**
 * The first of `resources` (each with what it is: "document", "version") that
 * is missing or failed — what it is and its `problemMessage` — or null while
 * they load or once they are ready.
 */
export function resourceProblem(
  resources: readonly (readonly [Resource<unknown>, string])[],
): { what: string; message: string } | null {
  for (const [state, what] of resources) {
    if (state.status === 'not-found' || state.status === 'error') {
      const message = problemMessage(
        state.status,
        what,
        state.status === 'error' ? state.message : undefined,
      );
      return { what, message };
    }
  }
  return null;
}

interface DocumentShellProps {
  user: UserProfile;
  /** The document once loaded: its process, title and the user's role go into the header. */
  document: DocumentDetail | null;
  /** The page's content, or null while it loads (then `loading` is said). */
  children: ReactNode;
  loading: string;
  className?: string;
}

/** A page about one document: the app header over its content, or over a loading message. */
export function DocumentShell({
  user,
  document,
  children,
  loading,
  className = 'app-shell',
}: DocumentShellProps) {
  return (
    <div className={className}>
      <AppHeader
        user={user}
        processName={document?.process.name}
        documentTitle={document?.title}
        role={document?.role}
      />
      {children ?? <Loading message={loading} />}
    </div>
  );
}
