/**
 * "Your session has ended": a sign-in dialog over the page, for the user who
 * was signed in. Nothing behind it is reloaded or discarded: the open
 * document keeps its unsent changes and sends them once the user is back.
 *
 * It is not modal and does not take the focus: a delegate interrupted
 * mid-sentence finishes the sentence (kept in this browser), and the rest of
 * it never ends up in the password field. Screen readers hear it announced.
 */
import type { UserProfile } from '@draftroom/shared';
import { type FormEvent, useId, useState } from 'react';
import { ErrorMessage, type SignInError, toSignInError } from '../pages/SignInPage';
import '../styles/account.css';

interface SessionEndedDialogProps {
  user: UserProfile;
  onSignIn: (email: string, password: string) => Promise<unknown>;
  onSignOut: () => Promise<void>;
}

export function SessionEndedDialog({ user, onSignIn, onSignOut }: SessionEndedDialogProps) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SignInError | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const passwordId = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (busy) return;
    if (!password) {
      setError({ message: 'Enter your password.' });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onSignIn(user.email, password);
    } catch (caught) {
      setError(toSignInError(caught));
      setBusy(false);
    }
  };

  const signOut = async () => {
    setBusy(true);
    try {
      await onSignOut();
    } catch {
      setError({ message: 'Could not sign out: the server is not answering. Please try again.' });
      setBusy(false);
    }
  };

  return (
    // Opened by its attribute, not show(): show() would move the focus into it.
    <dialog
      open
      className="dialog session-dialog"
      aria-labelledby={titleId}
      data-testid="session-ended-dialog"
    >
      <form className="form" onSubmit={onSubmit} noValidate>
        <h2 className="dialog__title" id={titleId}>
          Your session has ended
        </h2>
        <p role="alert">
          For your security, you were signed out. Nothing is lost: your changes are kept in this browser and
          are sent as soon as you sign in again.
        </p>
        <p>
          Sign in again as <strong>{user.name}</strong> ({user.email}).
        </p>
        {/* For password managers: the account the password belongs to. */}
        <input type="email" name="email" autoComplete="username" value={user.email} readOnly hidden />
        <div className="form__field">
          <label htmlFor={passwordId}>Password</label>
          <input
            id={passwordId}
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={error ? true : undefined}
          />
        </div>
        {error ? <ErrorMessage error={error} /> : null}
        <div className="dialog__actions">
          <button
            type="button"
            className="button button--quiet"
            onClick={() => void signOut()}
            disabled={busy}
          >
            Sign out
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
        <p className="admin-hint">
          Signing out instead removes from this browser the changes that were not sent yet.
        </p>
      </form>
    </dialog>
  );
}
