/** "Reset password" for one user, and the temporary password it returns (shown once, with a copy button). */
import type { UserProfile } from '@draftroom/shared';
import { useEffect, useRef, useState } from 'react';
import { adminApi } from './adminApi';
import { InlineError, useAction } from './common';

export interface IssuedPassword {
  user: UserProfile;
  temporaryPassword: string;
}

/** The button, then an inline confirmation: resetting signs the user out everywhere. */
export function ResetPasswordControl({
  user,
  onIssued,
}: {
  user: UserProfile;
  onIssued: (issued: IssuedPassword) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  if (!confirming) {
    return (
      <button
        type="button"
        className="button button--small"
        aria-label={`Reset password of ${user.name}`}
        onClick={() => setConfirming(true)}
      >
        Reset password
      </button>
    );
  }
  const reset = async () => {
    const result = await run(() => adminApi.resetPassword(user.id));
    if (!result.ok) return;
    setConfirming(false);
    onIssued({ user, temporaryPassword: result.value.temporaryPassword });
  };
  return (
    <fieldset className="admin-confirm">
      <legend className="admin-confirm__question">
        Sign {user.name} out and issue a temporary password?
      </legend>
      <div className="admin-confirm__actions">
        <button
          ref={confirmRef}
          type="button"
          className="button button--small button--primary"
          onClick={reset}
          disabled={busy}
        >
          {busy ? 'Resetting…' : 'Reset'}
        </button>
        <button type="button" className="button button--small" onClick={() => setConfirming(false)}>
          Cancel
        </button>
      </div>
      <InlineError message={error} />
    </fieldset>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('copied');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <>
      <button type="button" className="button button--small" onClick={copy}>
        {copied === 'copied' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' ? (
        <span className="admin-hint">Copying is not allowed here: select the password and copy it.</span>
      ) : null}
    </>
  );
}

/** The temporary password, shown once; it disappears for good with "Done". */
export function TemporaryPassword({ issued, onDone }: { issued: IssuedPassword; onDone: () => void }) {
  const { user, temporaryPassword } = issued;
  // Focus moves here so keyboard and screen-reader users land on the password they just issued.
  const panelRef = useRef<HTMLDivElement>(null);
  useEffect(() => panelRef.current?.focus(), []);
  return (
    <div className="admin-secret" role="status" data-testid="temporary-password" ref={panelRef} tabIndex={-1}>
      <p>
        <strong>Temporary password for {user.name}</strong> ({user.email}). It is shown only this once — pass
        it on securely. {user.name} has been signed out and should change it after signing in.
      </p>
      <div className="admin-secret__value">
        <code data-testid="temporary-password-value">{temporaryPassword}</code>
        <CopyButton text={temporaryPassword} />
        <button type="button" className="button button--small button--quiet" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}
