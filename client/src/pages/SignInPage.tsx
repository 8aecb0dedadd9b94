/** Sign in with e-mail and password. Shows the server's errors, with a countdown when rate-limited. */
import { type FormEvent, useEffect, useId, useState } from 'react';
import { ApiRequestError } from '../api';
import { useAuth } from '../auth';
import { Link, navigate, PUBLIC_VERIFY_PATH, returnPathFrom, useLocation } from '../router';
import { useDocumentTitle } from './useDocumentTitle';

export interface SignInError {
  message: string;
  /** When the server rate-limited us: the moment another attempt is allowed. */
  retryAt?: number;
}

export function toSignInError(error: unknown): SignInError {
  if (error instanceof ApiRequestError) {
    const retryAt = error.retryAfterSeconds ? Date.now() + error.retryAfterSeconds * 1000 : undefined;
    // The countdown replaces the server's own "try again in …" sentence.
    const message = retryAt ? error.message.replace(/\s*try again in [^.]*\.?\s*$/i, '') : error.message;
    return { message: message || 'Too many attempts.', retryAt };
  }
  return { message: 'Something went wrong. Please try again.' };
}

/** Seconds until `retryAt`, ticking down once a second. */
function useSecondsUntil(retryAt: number | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!retryAt) return;
    setNow(Date.now());
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, [retryAt]);
  return retryAt ? Math.max(0, Math.ceil((retryAt - now) / 1000)) : 0;
}

export function ErrorMessage({ error }: { error: SignInError }) {
  const seconds = useSecondsUntil(error.retryAt);
  return (
    <div className="form-error" role="alert" data-testid="signin-error">
      <p>{error.message}</p>
      {seconds > 0 ? <p className="form-error__retry">Try again in {seconds} s.</p> : null}
    </div>
  );
}

function SignInBrand() {
  return (
    <div className="signin__brand">
      <span className="brand__mark brand__mark--large" aria-hidden="true">
        D
      </span>
      <div>
        <p className="signin__product">Draftroom</p>
        <p className="signin__tagline">Negotiated texts, drafted together</p>
      </div>
    </div>
  );
}

export function SignInPage() {
  const { signIn } = useAuth();
  const { search } = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<SignInError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const emailId = useId();
  const passwordId = useId();
  useDocumentTitle('Sign in');

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (submitting) return;
    if (!email.trim() || !password) {
      setError({ message: 'Enter your e-mail address and password.' });
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      await signIn(email.trim(), password);
      navigate(returnPathFrom(search), { replace: true });
    } catch (caught) {
      setError(toSignInError(caught));
      setSubmitting(false);
    }
  };

  return (
    <main className="signin">
      <div className="signin__card">
        <SignInBrand />
        <h1 className="signin__title">Sign in</h1>
        <p className="signin__intro">Use the account your delegation received for this dialogue.</p>
        <form className="form" onSubmit={onSubmit} noValidate>
          <div className="form__field">
            <label htmlFor={emailId}>Email</label>
            <input
              id={emailId}
              name="email"
              type="email"
              autoComplete="username"
              inputMode="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          <div className="form__field">
            <label htmlFor={passwordId}>Password</label>
            <input
              id={passwordId}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              aria-invalid={error ? true : undefined}
            />
          </div>
          {error ? <ErrorMessage error={error} /> : null}
          <button type="submit" className="button button--primary button--block" disabled={submitting}>
            {submitting ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
      <p className="signin__footer">
        A secure workspace for intergovernmental drafting.{' '}
        <Link to={PUBLIC_VERIFY_PATH}>Received a document from Draftroom? Check that it is genuine</Link>
      </p>
    </main>
  );
}
