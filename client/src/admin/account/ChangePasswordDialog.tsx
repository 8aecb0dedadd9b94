/** "Change password": a modal dialog (native `<dialog>`) for the signed-in user's own password. */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useToasts } from '../../components/Toasts';
import { changeOwnPassword, MIN_PASSWORD_LENGTH } from '../adminApi';
import { InlineError, useAction } from '../common';

const EMPTY = { current: '', next: '', repeat: '' };

function problemWith(form: typeof EMPTY): string | null {
  if (!form.current) return 'Enter your current password.';
  if (form.next.length < MIN_PASSWORD_LENGTH) {
    return `The new password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (form.next !== form.repeat) return 'The two new passwords do not match.';
  if (form.next === form.current) return 'The new password is the same as the current one.';
  return null;
}

function PasswordField({
  label,
  value,
  autoComplete,
  onChange,
  hint,
}: {
  label: string;
  value: string;
  autoComplete: string;
  onChange: (value: string) => void;
  hint?: string;
}) {
  const id = useId();
  return (
    <div className="form__field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={autoComplete}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      {hint ? (
        <span className="admin-hint" id={`${id}-hint`}>
          {hint}
        </span>
      ) : null}
    </div>
  );
}

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [form, setForm] = useState(EMPTY);
  const { busy, error, setError, run } = useAction();
  const { showToast } = useToasts();
  const titleId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      setForm(EMPTY);
      setError(null);
      dialog.showModal();
    } else if (!open && dialog.open) dialog.close();
  }, [open, setError]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = problemWith(form);
    if (problem) {
      setError(problem);
      return;
    }
    const result = await run(() => changeOwnPassword(form.current, form.next));
    if (!result.ok) return;
    setForm(EMPTY);
    onClose();
    showToast({ message: 'Your password has been changed.', tone: 'success' });
  };

  return (
    <dialog ref={dialogRef} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <form className="form" onSubmit={onSubmit} noValidate>
        <h2 className="dialog__title" id={titleId}>
          Change password
        </h2>
        <PasswordField
          label="Current password"
          autoComplete="current-password"
          value={form.current}
          onChange={(current) => setForm((f) => ({ ...f, current }))}
        />
        <PasswordField
          label="New password"
          autoComplete="new-password"
          value={form.next}
          onChange={(next) => setForm((f) => ({ ...f, next }))}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        />
        <PasswordField
          label="Repeat the new password"
          autoComplete="new-password"
          value={form.repeat}
          onChange={(repeat) => setForm((f) => ({ ...f, repeat }))}
        />
        <InlineError message={error} testId="change-password-error" />
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
