/** The audit log, newest first, a page at a time, and a check of its hash chain. */
import { useCallback, useState } from 'react';
import { type AuditEntry, type AuditVerification, adminApi } from './adminApi';
import { InlineError, LoadFallback, SectionHeader, useAction, useAdminData } from './common';

const PAGE_SIZE = 25;

const ACTION_LABEL: Record<string, string> = {
  'sign-in': 'Signed in',
  'sign-in-refused': 'Sign-in refused',
  'sign-in-locked': 'Sign-in locked out',
  'sign-out': 'Signed out',
  'password-changed': 'Password changed',
  'password-reset': 'Password reset',
  'role-changed': 'Role changed',
  'participant-created': 'Participant added',
  'user-created': 'User added',
  'process-role-changed': 'Default role changed',
  'amendment-decided': 'Amendment decided',
  'amendment-withdrawn': 'Amendment withdrawn',
  'amendment-compromise': 'Compromise amendment tabled',
  refused: 'Action refused',
};

const DETAIL_LABEL: Record<string, string> = {
  documentId: 'document',
  processId: 'process',
  defaultRole: 'default role',
  isAdmin: 'administrator',
  retryAfterSeconds: 'retry after (s)',
  amendmentId: 'amendment',
  covers: 'covers',
};

const timeFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

function formatValue(key: string, value: unknown, titles: Map<string, string>): string {
  if (key === 'documentId' && typeof value === 'string') return titles.get(value) ?? value;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return JSON.stringify(value);
}

function Details({ detail, titles }: { detail: Record<string, unknown>; titles: Map<string, string> }) {
  const entries = Object.entries(detail);
  if (entries.length === 0) return <span className="admin-hint">—</span>;
  return (
    <dl className="admin-details">
      {entries.map(([key, value]) => (
        <div key={key}>
          <dt>{DETAIL_LABEL[key] ?? key}</dt>
          <dd>{formatValue(key, value, titles)}</dd>
        </div>
      ))}
    </dl>
  );
}

function AuditRow({ entry, titles }: { entry: AuditEntry; titles: Map<string, string> }) {
  const when = Date.parse(entry.at);
  return (
    <tr data-audit-id={entry.id} data-action={entry.action}>
      <td className="admin-table__nowrap">
        <span className="admin-hint">#{entry.id}</span>{' '}
        <time dateTime={entry.at}>{Number.isNaN(when) ? entry.at : timeFormat.format(when)}</time>
      </td>
      <td>{entry.actorEmail ?? entry.actorUserId ?? '—'}</td>
      <td>{ACTION_LABEL[entry.action] ?? entry.action}</td>
      <td>{entry.target || '—'}</td>
      <td className="admin-table__nowrap">{entry.ip || '—'}</td>
      <td>
        <Details detail={entry.detail} titles={titles} />
      </td>
    </tr>
  );
}

function VerifyChain() {
  const { busy, error, run } = useAction();
  const [result, setResult] = useState<AuditVerification | null>(null);
  const verify = async () => {
    setResult(null);
    const outcome = await run(adminApi.verifyAudit);
    if (outcome.ok) setResult(outcome.value);
  };
  let message = '';
  if (result?.ok) message = `Chain intact (${result.entries} entries)`;
  else if (result) message = `BROKEN at entry #${result.firstBrokenId}: ${result.why}`;
  return (
    <div className="admin-verify">
      <button type="button" className="button" onClick={verify} disabled={busy}>
        {busy ? 'Verifying…' : 'Verify chain'}
      </button>
      <p
        role="status"
        data-testid="audit-verify-result"
        className={result ? `admin-verify__result admin-verify__result--${result.ok ? 'ok' : 'broken'}` : ''}
      >
        {message}
      </p>
      <InlineError message={error} />
    </div>
  );
}

function useDocumentTitles(): Map<string, string> {
  const { state } = useAdminData(adminApi.listDocuments);
  return new Map(state.status === 'ready' ? state.data.map((d) => [d.id, d.title]) : []);
}

export function AuditLogSection() {
  // The `before` cursor of each page visited; the last one is shown.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors[cursors.length - 1];
  const load = useCallback(() => adminApi.listAudit(PAGE_SIZE, before), [before]);
  const { state, reload } = useAdminData(load);
  const titles = useDocumentTitles();
  const entries = state.status === 'ready' ? state.data : [];
  const last = entries[entries.length - 1];

  const newest = () => {
    setCursors([undefined]);
    reload();
  };

  return (
    <div className="admin-section">
      <SectionHeader title="Audit log">
        Sign-ins, account and role changes and refused actions: who, what, when and from where. Each entry is
        chained to the previous one by its hash, so a changed or removed entry shows up when the chain is
        verified.
      </SectionHeader>
      <div className="admin-toolbar">
        <VerifyChain />
        <nav className="admin-pager" aria-label="Audit log pages">
          <button type="button" className="button button--small" onClick={newest}>
            Newest
          </button>
          <button
            type="button"
            className="button button--small"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Newer
          </button>
          <span className="admin-pager__page">Page {cursors.length}</span>
          <button
            type="button"
            className="button button--small"
            disabled={!last || entries.length < PAGE_SIZE}
            onClick={() => last && setCursors((c) => (c[c.length - 1] === last.id ? c : [...c, last.id]))}
          >
            Older
          </button>
        </nav>
      </div>
      {state.status === 'ready' ? (
        <div className="admin-table-wrap">
          <table className="admin-table" data-testid="audit-table">
            <caption className="visually-hidden">Audit log, newest first, page {cursors.length}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow key={entry.id} entry={entry} titles={titles} />
              ))}
            </tbody>
          </table>
          {entries.length === 0 ? <p className="page-state">No entries.</p> : null}
        </div>
      ) : (
        <LoadFallback state={state} retry={reload} />
      )}
    </div>
  );
}
