/** Who set which status and which positions on a clause, and when. */
import { useEffect, useState } from 'react';
import { formatDateTime } from '../../format';
import { type ClauseHistory, fetchClauseHistory } from '../api';
import { HistoryIcon } from '../icons';
import { CLAUSE_STATUS_LABEL, POSITION_LABEL } from '../labels';
import { useNegotiationContext } from '../NegotiationContext';
import { Popover, usePopover } from '../Popover';

function HistoryLists({ history }: { history: ClauseHistory }) {
  const statuses = [...history.statuses].reverse();
  const positions = [...history.positions].reverse();
  return (
    <div className="history">
      <h3 className="history__heading">Status</h3>
      {statuses.length === 0 ? (
        <p className="history__empty">Open since the clause was written.</p>
      ) : (
        <ol className="history__list" data-testid="status-history">
          {statuses.map((entry) => (
            <li key={`${entry.changedAt}-${entry.status}`}>
              <strong>{CLAUSE_STATUS_LABEL[entry.status]}</strong> — {entry.changedBy.name} (
              {entry.changedBy.participantCode}),{' '}
              <time dateTime={entry.changedAt}>{formatDateTime(entry.changedAt)}</time>
            </li>
          ))}
        </ol>
      )}
      <h3 className="history__heading">Positions</h3>
      {positions.length === 0 ? (
        <p className="history__empty">No delegation has recorded a position.</p>
      ) : (
        <ol className="history__list">
          {positions.map((entry) => (
            <li key={`${entry.setAt}-${entry.participantCode}`}>
              <strong>
                {entry.participantCode}: {POSITION_LABEL[entry.position]}
              </strong>
              {entry.note ? ` “${entry.note}”` : ''} — {entry.setBy.name},{' '}
              <time dateTime={entry.setAt}>{formatDateTime(entry.setAt)}</time>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function HistoryContent({ clauseId }: { clauseId: string }) {
  const { documentId } = useNegotiationContext();
  const [history, setHistory] = useState<ClauseHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    fetchClauseHistory(documentId, clauseId).then(
      (loaded) => current && setHistory(loaded),
      (failure: unknown) =>
        current && setError(failure instanceof Error ? failure.message : 'Could not load.'),
    );
    return () => {
      current = false;
    };
  }, [documentId, clauseId]);
  if (error) return <p role="alert">{error}</p>;
  if (!history) return <p className="history__empty">Loading…</p>;
  return <HistoryLists history={history} />;
}

/** Changes whenever the clause's status or a position on it changes (the open history then reloads). */
function useHistoryVersion(clauseId: string): string {
  const { snapshot } = useNegotiationContext();
  const status = snapshot.index.statusByClause.get(clauseId);
  const positions = snapshot.index.positionsByClause.get(clauseId) ?? [];
  return [status?.changedAt ?? '', ...positions.map((entry) => entry.setAt)].join('|');
}

export function ClauseHistoryButton({ clauseId, number }: { clauseId: string; number: string }) {
  const popover = usePopover();
  const version = useHistoryVersion(clauseId);
  return (
    <>
      <button
        ref={popover.anchorRef}
        type="button"
        className="strip-button"
        aria-haspopup="dialog"
        aria-expanded={popover.open}
        aria-label={`History of clause ${number}`}
        title="Status and position history"
        onClick={popover.toggle}
      >
        <HistoryIcon size={14} />
      </button>
      {popover.open ? (
        <Popover
          anchorRef={popover.anchorRef}
          onClose={popover.close}
          label={`History of clause ${number}`}
          className="popover--wide"
        >
          <p className="popover__title">History of clause {number}</p>
          <HistoryContent key={version} clauseId={clauseId} />
        </Popover>
      ) : null}
    </>
  );
}
