/**
 * Who is signed in. Loads `GET /api/me` once at start-up and exposes sign-in
 * and sign-out to the pages.
 */
import type { UserProfile } from '@draftroom/shared';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import * as api from './api';
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
  /** Called when the server answered 401 to a signed-in user: the session expired. */
  markSignedOut: () => void;
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

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

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

  const signIn = useCallback(async (email: string, password: string) => {
    const user = await api.signIn(email, password);
    setState({ status: 'signed-in', user });
    return user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } catch (error) {
      // A session that is already gone is as good as signed out.
      if (!api.isUnauthenticated(error)) throw error;
    }
    setState({ status: 'signed-out' });
    void clearOfflineCopies();
  }, []);

  const markSignedOut = useCallback(() => setState({ status: 'signed-out' }), []);
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(
    () => ({ state, signIn, signOut, markSignedOut, retry }),
    [state, signIn, signOut, markSignedOut, retry],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}
