/**
 * Who is signed in. Loads `GET /api/session` once at start-up and exposes sign-in
 * and sign-out to the pages.
 *
 * A session that ends while the app is open (it expired, or was ended on the
 * server) does not navigate anywhere: the page stays as it is, with every
 * unsent change, and a sign-in dialog opens over it. Requests that got 401
 * wait for it and are sent again; the document's socket reconnects after it.
 */
import type { UserProfile } from '@draftroom/shared';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import * as api from './api';
import { SessionEndedDialog } from './components/SessionEndedDialog';
import { clearOfflineCopies } from './offlineStore';

export type AuthState =
  | { status: 'loading' }
  | { status: 'signed-out' }
  | { status: 'signed-in'; user: UserProfile }
  | { status: 'unavailable'; message: string };

interface AuthContextValue {
  state: AuthState;
  signIn: (email: string, password: string) => Promise<UserProfile>;
  signOut: () => Promise<void>;
  /** Called when the server answered 401 and the user did not sign in again: shows the sign-in page. */
  markSignedOut: () => void;
  /**
   * The session ended while signed in: opens the sign-in dialog over the page.
   * Resolves true once the user signed in again, false if they signed out instead
   * (or nobody was signed in).
   */
  requireSignIn: () => Promise<boolean>;
  /** True while the sign-in dialog waits for the user. */
  sessionEnded: boolean;
  retry: () => void;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}

/** The signed-in user; only for pages that are rendered after the sign-in check. */
export function useSignedInUser(): UserProfile {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useSignedInUser needs a signed-in user');
  return state.user;
}

/** The same user with the same details: keep the old object, so nothing re-renders for it. */
function sameProfile(a: UserProfile, b: UserProfile): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [sessionEnded, setSessionEnded] = useState(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  /** Who waits for the in-place sign-in: resolved true when it happened, false on sign-out. */
  const waiting = useRef<((signedIn: boolean) => void)[]>([]);

  const settleWaiting = useCallback((signedIn: boolean) => {
    const resolvers = waiting.current;
    waiting.current = [];
    setSessionEnded(false);
    for (const resolve of resolvers) resolve(signedIn);
  }, []);

  useEffect(() => {
    let cancelled = false;
    void attempt;
    api.fetchCurrentUser().then(
      (user) => {
        if (!cancelled) setState(user ? { status: 'signed-in', user } : { status: 'signed-out' });
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : 'The server is not answering.';
        if (!cancelled) setState({ status: 'unavailable', message });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  const signIn = useCallback(
    async (email: string, password: string) => {
      const user = await api.signIn(email, password);
      setState((current) =>
        current.status === 'signed-in' && sameProfile(current.user, user)
          ? current
          : { status: 'signed-in', user },
      );
      settleWaiting(true);
      return user;
    },
    [settleWaiting],
  );

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch (error) {
      // A session that is already gone is as good as signed out.
      if (!api.isUnauthenticated(error)) throw error;
    }
    setState({ status: 'signed-out' });
    settleWaiting(false);
    void clearOfflineCopies();
  }, [settleWaiting]);

  const markSignedOut = useCallback(() => {
    setState({ status: 'signed-out' });
    settleWaiting(false);
  }, [settleWaiting]);

  const requireSignIn = useCallback(() => {
    if (stateRef.current.status !== 'signed-in') return Promise.resolve(false);
    setSessionEnded(true);
    return new Promise<boolean>((resolve) => {
      waiting.current.push(resolve);
    });
  }, []);

  useEffect(() => {
    api.setSignInAgainHandler(requireSignIn);
    return () => api.setSignInAgainHandler(null);
  }, [requireSignIn]);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ state, signIn, signOut, markSignedOut, requireSignIn, sessionEnded, retry }),
    [state, signIn, signOut, markSignedOut, requireSignIn, sessionEnded, retry],
  );
  return (
    <AuthContext.Provider value={value}>
      {children}
      {sessionEnded && state.status === 'signed-in' ? (
        <SessionEndedDialog user={state.user} onSignIn={signIn} onSignOut={signOut} />
      ) : null}
    </AuthContext.Provider>
  );
}
