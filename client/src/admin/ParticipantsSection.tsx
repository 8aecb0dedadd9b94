/** Participants (state delegations, organisations, EU institutions): the list and a form to add one. */
import type { Participant, ParticipantKind } from '@draftroom/shared';
import { type FormEvent, useId, useState } from 'react';
import { adminApi } from './adminApi';
import { InlineError, LoadFallback, SectionHeader, StatusLine, useAction, useAdminData } from './common';

export const KIND_LABEL: Record<ParticipantKind, string> = {
  state: 'State',
  organisation: 'International organisation',
  'eu-institution': 'EU institution',
};

function ParticipantTable({ participants }: { participants: Participant[] }) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table" data-testid="participants-table">
        <caption className="visually-hidden">Participants</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
          </tr>
        </thead>
        <tbody>
          {participants.map((participant) => (
            <tr key={participant.id}>
              <td>
                <span className="admin-code">
                  <span
                    className="user-chip__dot"
                    style={{ backgroundColor: participant.color }}
                    aria-hidden="true"
                  />
                  {participant.code}
                </span>
              </td>
              <td>{participant.name}</td>
              <td>{KIND_LABEL[participant.kind]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AddParticipantForm({ onAdded }: { onAdded: (participant: Participant) => void }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<ParticipantKind>('state');
  const { busy, error, run } = useAction();
  const ids = { code: useId(), name: useId(), kind: useId() };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = await run(() =>
      adminApi.createParticipant({ code: code.trim(), name: name.trim(), kind }),
    );
    if (!result.ok) return;
    setCode('');
    setName('');
    onAdded(result.value);
  };

  return (
    <form className="admin-form" onSubmit={onSubmit} aria-label="Add a participant">
      <h3 className="admin-form__title">Add a participant</h3>
      <div className="admin-form__row">
        <div className="form__field admin-form__field--narrow">
          <label htmlFor={ids.code}>Code</label>
          <input
            id={ids.code}
            value={code}
            onChange={(event) => setCode(event.target.value)}
            required
            maxLength={12}
            autoComplete="off"
            aria-describedby={`${ids.code}-hint`}
          />
          <span className="admin-hint" id={`${ids.code}-hint`}>
            2–12 letters or digits, e.g. “MD”
          </span>
        </div>
        <div className="form__field admin-form__field--wide">
          <label htmlFor={ids.name}>Name</label>
          <input id={ids.name} value={name} onChange={(event) => setName(event.target.value)} required />
        </div>
        <div className="form__field">
          <label htmlFor={ids.kind}>Kind</label>
          <select
            id={ids.kind}
            value={kind}
            onChange={(event) => setKind(event.target.value as ParticipantKind)}
          >
            {Object.entries(KIND_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      </div>
      <InlineError message={error} testId="participant-form-error" />
      <div className="admin-form__actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add participant'}
        </button>
      </div>
    </form>
  );
}

export function ParticipantsSection() {
  const { state, reload } = useAdminData(adminApi.listParticipants);
  const [saved, setSaved] = useState<string | null>(null);

  return (
    <div className="admin-section">
      <SectionHeader title="Participants">
        The delegations and organisations whose users take part in the dialogues.
      </SectionHeader>
      <AddParticipantForm
        onAdded={(participant) => {
          setSaved(`Added ${participant.code} — ${participant.name}.`);
          reload();
        }}
      />
      <StatusLine message={saved} />
      {state.status === 'ready' ? (
        <ParticipantTable participants={state.data} />
      ) : (
        <LoadFallback state={state} retry={reload} />
      )}
    </div>
  );
}
