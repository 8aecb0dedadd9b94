/** The participants of each process and their default role on its documents. */
import { type Participant, ROLE_LABEL, type Role } from '@draftroom/shared';
import { type FormEvent, useId, useState } from 'react';
import { type AdminProcess, adminApi, type ProcessMembership } from './adminApi';
import {
  InlineError,
  LoadFallback,
  RoleOptions,
  SectionHeader,
  StatusLine,
  useAction,
  useAdminData,
} from './common';

const loadProcessesAndParticipants = () =>
  Promise.all([adminApi.listProcesses(), adminApi.listParticipants()]);

function withDefaultRole(process: AdminProcess, participantId: string, role: Role): AdminProcess {
  const participants = process.participants.map((m) =>
    m.participantId === participantId ? { ...m, defaultRole: role } : m,
  );
  return { ...process, participants };
}

function MembershipRow({
  member,
  disabled,
  justSaved,
  onChange,
}: {
  member: ProcessMembership;
  disabled: boolean;
  justSaved: boolean;
  onChange: (role: Role) => void;
}) {
  const selectId = useId();
  return (
    <tr>
      <td>
        <span className="admin-code">{member.code}</span>
      </td>
      <td>{member.name}</td>
      <td>
        <label htmlFor={selectId} className="visually-hidden">
          Default role of {member.name}
        </label>
        <select
          id={selectId}
          className="admin-select"
          value={member.defaultRole}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value as Role)}
        >
          <RoleOptions />
        </select>
        {justSaved ? (
          <span className="admin-saved" aria-hidden="true">
            Saved
          </span>
        ) : null}
      </td>
    </tr>
  );
}

function AddMemberForm({
  candidates,
  disabled,
  onAdd,
}: {
  candidates: Participant[];
  disabled: boolean;
  onAdd: (participant: Participant, role: Role) => Promise<boolean>;
}) {
  const [participantId, setParticipantId] = useState('');
  const [role, setRole] = useState<Role>('observer');
  const id = useId();
  if (candidates.length === 0) return null;
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const participant = candidates.find((p) => p.id === participantId);
    if (participant && (await onAdd(participant, role))) setParticipantId('');
  };
  return (
    <form className="admin-form" onSubmit={onSubmit} aria-label="Add a participant to this process">
      <h3 className="admin-form__title">Add a participant to this process</h3>
      <div className="admin-form__row">
        <div className="form__field admin-form__field--wide">
          <label htmlFor={`${id}-participant`}>Participant</label>
          <select
            id={`${id}-participant`}
            value={participantId}
            onChange={(event) => setParticipantId(event.target.value)}
          >
            <option value="">Choose…</option>
            {candidates.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.code})
              </option>
            ))}
          </select>
        </div>
        <div className="form__field">
          <label htmlFor={`${id}-role`}>Default role</label>
          <select id={`${id}-role`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            <RoleOptions />
          </select>
        </div>
      </div>
      <div className="admin-form__actions">
        <button type="submit" className="button button--primary" disabled={disabled || !participantId}>
          Add to process
        </button>
      </div>
    </form>
  );
}

function ProcessMembers({
  process,
  participants,
  onChanged,
}: {
  process: AdminProcess;
  participants: Participant[];
  onChanged: (participantId: string, role: Role) => void;
}) {
  const { busy, error, run } = useAction();
  const [saved, setSaved] = useState<{ participantId: string; message: string } | null>(null);
  const [pending, setPending] = useState<{ participantId: string; role: Role } | null>(null);
  const memberIds = new Set(process.participants.map((m) => m.participantId));
  const candidates = participants
    .filter((p) => !memberIds.has(p.id))
    .sort((a, b) => a.name.localeCompare(b.name));

  const setRole = async (participantId: string, name: string, role: Role) => {
    setSaved(null);
    setPending({ participantId, role });
    const result = await run(() => adminApi.setDefaultRole(process.id, participantId, role));
    setPending(null);
    if (result.ok) {
      const message = `${name}: default role on “${process.name}” documents is now ${ROLE_LABEL[role]}.`;
      setSaved({ participantId, message });
      onChanged(participantId, role);
    }
    return result.ok;
  };

  return (
    <>
      <AddMemberForm
        candidates={candidates}
        disabled={busy}
        onAdd={(p, role) => setRole(p.id, p.name, role)}
      />
      <InlineError message={error} testId="process-roles-error" />
      <StatusLine message={saved?.message ?? null} testId="process-roles-status" />
      <div className="admin-table-wrap">
        <table className="admin-table" data-testid="process-participants-table">
          <caption className="visually-hidden">Participants of {process.name}</caption>
          <thead>
            <tr>
              <th scope="col">Code</th>
              <th scope="col">Participant</th>
              <th scope="col">Default role</th>
            </tr>
          </thead>
          <tbody>
            {process.participants.map((member) => (
              <MembershipRow
                key={member.participantId}
                member={
                  pending?.participantId === member.participantId
                    ? { ...member, defaultRole: pending.role }
                    : member
                }
                disabled={busy}
                justSaved={saved?.participantId === member.participantId}
                onChange={(role) => void setRole(member.participantId, member.name, role)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function ProcessParticipantsSection() {
  const { state, reload, update } = useAdminData(loadProcessesAndParticipants);
  const [chosenId, setChosenId] = useState('');
  const selectId = useId();

  if (state.status !== 'ready') return <LoadFallback state={state} retry={reload} />;
  const [processes, participants] = state.data;
  const selected = processes.find((p) => p.id === chosenId) ?? processes[0];

  return (
    <div className="admin-section">
      <SectionHeader title="Process participants">
        Who takes part in each dialogue, and the role their users have on its documents unless a document says
        otherwise.
      </SectionHeader>
      {selected ? (
        <>
          <div className="form__field admin-picker">
            <label htmlFor={selectId}>Process</label>
            <select id={selectId} value={selected.id} onChange={(event) => setChosenId(event.target.value)}>
              {processes.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
          <ProcessMembers
            process={selected}
            participants={participants}
            onChanged={(participantId, role) => {
              update(([all, people]) => [
                all.map((p) => (p.id === selected.id ? withDefaultRole(p, participantId, role) : p)),
                people,
              ]);
              reload();
            }}
          />
        </>
      ) : (
        <p className="page-state">There are no processes yet.</p>
      )}
    </div>
  );
}
