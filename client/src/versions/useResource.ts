/** Loads something from the API for a page: loading, ready, not found (404/403) or failed. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiRequestError, isUnauthenticated } from '../api';
import { useAuth } from '../auth';

export type Resource<T> =
  | { status: 'loading' }
  | { status: 'not-found' }
  | { status: 'error'; message: string }
  | { status: 'ready'; value: T };

const LOADING = { status: 'loading' } as const;

/**
 * Runs `load` whenever `key` changes (and on `reload`). A signed-out answer
 * signs the page out; a failed reload keeps what was shown.
 */
export function useResource<T>(
  key: string,
  load: () => Promise<T>,
): { state: Resource<T>; reload: () => void } {
  const { markSignedOut } = useAuth();
  const [entry, setEntry] = useState<{ key: string; state: Resource<T> }>({ key, state: LOADING });
  const [generation, setGeneration] = useState(0);
  const latestLoad = useRef(load);
  latestLoad.current = load;

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `generation` loads again (reload).
  useEffect(() => {
    let current = true;
    const settle = (next: (previous: Resource<T> | null) => Resource<T>) =>
      setEntry((previous) => ({ key, state: next(previous.key === key ? previous.state : null) }));
    latestLoad.current().then(
      (value) => {
        if (current) settle(() => ({ status: 'ready', value }));
      },
      (error: unknown) => {
        if (!current) return;
        if (isUnauthenticated(error)) markSignedOut();
        else if (error instanceof ApiRequestError && (error.status === 404 || error.status === 403))
          settle(() => ({ status: 'not-found' }));
        else {
          const message = error instanceof Error ? error.message : 'Could not load.';
          settle((previous) => (previous?.status === 'ready' ? previous : { status: 'error', message }));
        }
      },
    );
    return () => {
      current = false;
    };
  }, [key, generation, markSignedOut]);

  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { state: entry.key === key ? entry.state : LOADING, reload };
}
