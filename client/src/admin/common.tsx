/** Pieces shared by the admin sections: loading data, running an action, inline messages. */
import { ROLE_LABEL, ROLES, type Role } from '@draftroom/shared';
import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { ApiRequestError, isUnauthenticated } from '../api';
import { useAuth } from '../auth';

export type LoadState<T> =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ready'; data: T };

/** The message to show for a failed request: the server's own (400/403/409) when it sent one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiRequestError) return error.message;
  return error instanceof Error ? error.message : 'Something went wrong. Please try again.';
}

/**
 * Loads data with `load` (keep it stable: a module function or `useCallback`).
 * `reload()` fetches again and keeps the current data on screen meanwhile.
 */
export function useAdminData<T>(load: () => Promise<T>): {
  state: LoadState<T>;
  reload: () => void;
  /** Applies a change the server has confirmed, without fetching again. */
  update: (change: (data: T) => T) => void;
} {
  const { markSignedOut } = useAuth();
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    void attempt;
    setState((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    load().then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => {
        if (!current) return;
        if (isUnauthenticated(error)) markSignedOut();
        else setState({ status: 'error', message: errorMessage(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [load, attempt, markSignedOut]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const update = useCallback((change: (data: T) => T) => {
    setState((current) =>
      current.status === 'ready' ? { status: 'ready', data: change(current.data) } : current,
    );
  }, []);
  return { state, reload, update };
}

/** Runs one state-changing request at a time and keeps its error for an inline message. */
export function useAction() {
  const { markSignedOut } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    async <T,>(action: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> => {
      setBusy(true);
      setError(null);
      try {
        return { ok: true, value: await action() };
      } catch (caught) {
        if (isUnauthenticated(caught)) markSignedOut();
        else setError(errorMessage(caught));
        return { ok: false };
      } finally {
        setBusy(false);
      }
    },
    [markSignedOut],
  );

  return { busy, error, setError, run };
}

export function InlineError({ message, testId }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}

/** A polite live region for "saved" messages; always rendered so screen readers announce changes. */
export function StatusLine({ message, testId }: { message: string | null; testId?: string }) {
  return (
    <p className="admin-status" role="status" data-testid={testId}>
      {message}
    </p>
  );
}

/** What to show while a section's data loads or after it failed. */
export function LoadFallback({ state, retry }: { state: LoadState<unknown>; retry: () => void }): ReactNode {
  if (state.status === 'loading') {
    return (
      <p className="page-state" role="status">
        <span className="spinner" aria-hidden="true" /> Loading…
      </p>
    );
  }
  if (state.status === 'error') {
    return (
      <div className="page-state page-state--error" role="alert">
        <p>{state.message}</p>
        <button type="button" className="button" onClick={retry}>
          Try again
        </button>
      </div>
    );
  }
  return null;
}

export function RoleOptions() {
  return (
    <>
      {ROLES.map((role: Role) => (
        <option key={role} value={role}>
          {ROLE_LABEL[role]}
        </option>
      ))}
    </>
  );
}

export function SectionHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="admin-section__header">
      <h2 className="admin-section__title">{title}</h2>
      {children ? <p className="admin-section__lead">{children}</p> : null}
    </header>
  );
}
