/** Roles per document: each user's effective role, and a select to set or clear it. */
import { ROLE_LABEL } from '@draftroom/shared';
import { useCallback, useId, useState } from 'react';
import { type AdminDocument, adminApi, type DocumentUserRole, type ExplicitRole } from './adminApi';
import {
  InlineError,
  LoadFallback,
  RoleOptions,
  SectionHeader,
  StatusLine,
  useAction,
  useAdminData,
} from './common';

/** The select's value: a role set on the document, or `default` for the participant's default. */
type Choice = ExplicitRole | 'default';

function choiceOf(row: DocumentUserRole): Choice {
  return row.explicitRole ?? 'default';
}

function EffectiveRole({ row }: { row: DocumentUserRole }) {
  if (row.explicitRole === 'none') return <span className="admin-role admin-role--none">No access</span>;
  if (row.explicitRole) {
    return (
      <span className="admin-role">
        {ROLE_LABEL[row.explicitRole]} <span className="admin-hint">set on this document</span>
      </span>
    );
  }
  if (row.defaultRole) return <span className="admin-role">default: {ROLE_LABEL[row.defaultRole]}</span>;
  return (
    <span className="admin-role admin-role--none">
      No access <span className="admin-hint">participant not in this process</span>
    </span>
  );
}

function describeChoice(choice: Choice, row: DocumentUserRole): string {
  if (choice === 'none') return 'has no access to';
  if (choice === 'default') {
    return row.defaultRole
      ? `follows the participant default (${ROLE_LABEL[row.defaultRole]}) on`
      : 'follows the participant default (no access) on';
  }
  return `is now ${ROLE_LABEL[choice]} on`;
}

function RoleRow({
  row,
  value,
  disabled,
  justSaved,
  onChange,
}: {
  row: DocumentUserRole;
  value: Choice;
  disabled: boolean;
  justSaved: boolean;
  onChange: (choice: Choice) => void;
}) {
  const selectId = useId();
  const defaultLabel = row.defaultRole ? ROLE_LABEL[row.defaultRole] : 'no access';
  return (
    <tr data-user-email={row.email}>
      <td>
        <span className="admin-table__primary">{row.name}</span>
        <span className="admin-table__secondary">{row.email}</span>
      </td>
      <td>
        <span className="admin-code">{row.participantCode}</span>
      </td>
      <td data-testid="effective-role">
        <EffectiveRole row={row} />
      </td>
      <td>
        <label htmlFor={selectId} className="visually-hidden">
          Role of {row.name}
        </label>
        <select
          id={selectId}
          className="admin-select"
          value={value}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value as Choice)}
        >
          <option value="default">Participant default ({defaultLabel})</option>
          <RoleOptions />
          <option value="none">No access</option>
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

function DocumentRoleTable({ document }: { document: AdminDocument }) {
  const load = useCallback(() => adminApi.listDocumentRoles(document.id), [document.id]);
  const { state, reload, update } = useAdminData(load);
  const { busy, error, run } = useAction();
  const [pending, setPending] = useState<{ userId: string; choice: Choice } | null>(null);
  const [saved, setSaved] = useState<{ userId: string; message: string } | null>(null);

  if (state.status !== 'ready') return <LoadFallback state={state} retry={reload} />;

  const change = async (row: DocumentUserRole, choice: Choice) => {
    setPending({ userId: row.userId, choice });
    setSaved(null);
    const role = choice === 'default' ? null : choice;
    const result = await run(() => adminApi.setDocumentRole(document.id, row.userId, role));
    setPending(null);
    if (!result.ok) return;
    update((rows) => rows.map((r) => (r.userId === row.userId ? { ...r, explicitRole: role } : r)));
    setSaved({
      userId: row.userId,
      message: `${row.name} ${describeChoice(choice, row)} “${document.title}”.`,
    });
  };

  return (
    <>
      <InlineError message={error} testId="document-roles-error" />
      <StatusLine message={saved?.message ?? null} testId="document-roles-status" />
      <div className="admin-table-wrap">
        <table className="admin-table" data-testid="document-roles-table">
          <caption className="visually-hidden">Roles on {document.title}</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Participant</th>
              <th scope="col">Effective role</th>
              <th scope="col">Set role</th>
            </tr>
          </thead>
          <tbody>
            {state.data.map((row) => (
              <RoleRow
                key={row.userId}
                row={row}
                value={pending?.userId === row.userId ? pending.choice : choiceOf(row)}
                disabled={busy}
                justSaved={saved?.userId === row.userId}
                onChange={(choice) => void change(row, choice)}
              />
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

export function DocumentRolesSection() {
  const { state, reload } = useAdminData(adminApi.listDocuments);
  const [chosenId, setChosenId] = useState('');
  const selectId = useId();

  if (state.status !== 'ready') return <LoadFallback state={state} retry={reload} />;
  const documents = state.data;
  const selected = documents.find((d) => d.id === chosenId) ?? documents[0];
  const processes = [...new Set(documents.map((d) => d.processName))];

  return (
    <div className="admin-section">
      <SectionHeader title="Document roles">
        A role set here overrides the participant’s default for this document only. Open editors follow the
        change within seconds.
      </SectionHeader>
      {selected ? (
        <>
          <div className="form__field admin-picker">
            <label htmlFor={selectId}>Document</label>
            <select id={selectId} value={selected.id} onChange={(event) => setChosenId(event.target.value)}>
              {processes.map((process) => (
                <optgroup key={process} label={process}>
                  {documents
                    .filter((d) => d.processName === process)
                    .map((d) => (
                      <option key={d.id} value={d.id}>
                        {d.title}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </div>
          <DocumentRoleTable key={selected.id} document={selected} />
        </>
      ) : (
        <p className="page-state">There are no documents yet.</p>
      )}
    </div>
  );
}
