/** The form that creates an account: name, e-mail, participant, initial password, administrator flag. */
import type { Participant, UserProfile } from '@draftroom/shared';
import { type FormEvent, useId, useState } from 'react';
import { adminApi, MIN_PASSWORD_LENGTH } from './adminApi';
import { InlineError, useAction } from './common';

const EMPTY = { name: '', email: '', participantId: '', password: '', isAdmin: false };

/** What the server would refuse anyway, said before sending; the server checks again. */
function problemWith(form: typeof EMPTY): string | null {
  if (!form.participantId) return 'Choose the participant the user belongs to.';
  if (form.password.length < MIN_PASSWORD_LENGTH) {
    return `The initial password needs at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  return null;
}

function ParticipantField({
  id,
  participants,
  value,
  onChange,
}: {
  id: string;
  participants: Participant[];
  value: string;
  onChange: (participantId: string) => void;
}) {
  const sorted = [...participants].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="form__field">
      <label htmlFor={id}>Participant</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Choose…</option>
        {sorted.map((participant) => (
          <option key={participant.id} value={participant.id}>
            {participant.name} ({participant.code})
          </option>
        ))}
      </select>
    </div>
  );
}

export function AddUserForm({
  participants,
  onAdded,
}: {
  participants: Participant[];
  onAdded: (user: UserProfile) => void;
}) {
  const [form, setForm] = useState(EMPTY);
  const { busy, error, setError, run } = useAction();
  const id = useId();
  const update = (patch: Partial<typeof EMPTY>) => setForm((current) => ({ ...current, ...patch }));
  const passwordTooShort = form.password.length > 0 && form.password.length < MIN_PASSWORD_LENGTH;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const problem = problemWith(form);
    if (problem) {
      setError(problem);
      return;
    }
    const result = await run(() => adminApi.createUser({ ...form, email: form.email.trim() }));
    if (!result.ok) return;
    setForm(EMPTY);
    onAdded(result.value);
  };

  return (
    <form className="admin-form" onSubmit={onSubmit} aria-label="Add a user" noValidate>
      <h3 className="admin-form__title">Add a user</h3>
      <div className="admin-form__row">
        <div className="form__field">
          <label htmlFor={`${id}-name`}>Full name</label>
          <input id={`${id}-name`} value={form.name} onChange={(e) => update({ name: e.target.value })} />
        </div>
        <div className="form__field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            autoComplete="off"
            value={form.email}
            onChange={(e) => update({ email: e.target.value })}
          />
        </div>
        <ParticipantField
          id={`${id}-participant`}
          participants={participants}
          value={form.participantId}
          onChange={(participantId) => update({ participantId })}
        />
        <div className="form__field">
          <label htmlFor={`${id}-password`}>Initial password</label>
          <input
            id={`${id}-password`}
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => update({ password: e.target.value })}
            aria-invalid={passwordTooShort ? true : undefined}
            aria-describedby={`${id}-password-hint`}
          />
          <span className="admin-hint" id={`${id}-password-hint`}>
            At least {MIN_PASSWORD_LENGTH} characters. The user can change it after signing in.
          </span>
        </div>
      </div>
      <label className="admin-checkbox">
        <input
          type="checkbox"
          className="admin-checkbox__box"
          checked={form.isAdmin}
          onChange={(e) => update({ isAdmin: e.target.checked })}
        />
        Administrator (may manage participants, users, roles and read the audit log)
      </label>
      <InlineError message={error} testId="user-form-error" />
      <div className="admin-form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  );
}
