/** The dashboard's four views: clauses by status, open brackets, positions by participant, unresolved threads. */
import type { DocumentDetail } from '@draftroom/shared';
import { documentPath, Link } from '../../router';
import type { ClauseDirectory, ClauseEntry } from '../clauseDirectory';
import {
  CLAUSE_STATUS_LABEL,
  describePosition,
  OBJECTING_POSITIONS,
  POSITION_LABEL,
  POSITION_MARK,
  positionClassName,
  shorten,
  statusClassName,
} from '../labels';
import type { NegotiationIndex, NegotiationSnapshot } from '../negotiationStore';
import {
  clausesByStatus,
  openBrackets,
  positionsByParticipant,
  unresolvedThreadsBySection,
} from './dashboardModel';

export function clauseLink(documentId: string, clauseId: string): string {
  return `${documentPath(documentId)}#clause-${encodeURIComponent(clauseId)}`;
}

function ClauseLink({ documentId, clause }: { documentId: string; clause: ClauseEntry }) {
  return (
    <Link to={clauseLink(documentId, clause.id)} className="dashboard-link" title={shorten(clause.text, 200)}>
      <span className="dashboard-link__number">{clause.number}</span>
      <span className="dashboard-link__text">{shorten(clause.text, 70)}</span>
    </Link>
  );
}

export function StatusOverview({
  documentId,
  directory,
  index,
}: {
  documentId: string;
  directory: ClauseDirectory;
  index: NegotiationIndex;
}) {
  return (
    <section className="dashboard-card" aria-labelledby="dashboard-status">
      <h2 id="dashboard-status" className="dashboard-card__title">
        Clauses by status
      </h2>
      <div className="status-columns">
        {clausesByStatus(directory, index).map(({ status, clauses }) => (
          <div key={status} className="status-column" data-testid={`status-column-${status}`}>
            <h3 className="status-column__title">
              <span className={statusClassName(status)}>{CLAUSE_STATUS_LABEL[status]}</span>
              <span className="status-column__count">{clauses.length}</span>
            </h3>
            {clauses.length === 0 ? (
              <p className="dashboard-empty">None</p>
            ) : (
              <ul className="dashboard-list">
                {clauses.map((clause) => (
                  <li key={clause.id}>
                    <ClauseLink documentId={documentId} clause={clause} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

export function OpenBrackets({
  documentId,
  directory,
  snapshot,
}: {
  documentId: string;
  directory: ClauseDirectory;
  snapshot: NegotiationSnapshot;
}) {
  const open = openBrackets(directory, snapshot.state.brackets);
  return (
    <section className="dashboard-card" aria-labelledby="dashboard-brackets">
      <h2 id="dashboard-brackets" className="dashboard-card__title">
        Open brackets <span className="panel__count">{open.length}</span>
      </h2>
      {open.length === 0 ? (
        <p className="dashboard-empty">No open brackets.</p>
      ) : (
        <ul className="dashboard-list dashboard-list--rows">
          {open.map(({ bracket, clause }) => (
            <li key={bracket.id} className="dashboard-row">
              {clause ? (
                <ClauseLink documentId={documentId} clause={clause} />
              ) : (
                <span className="thread__flag thread__flag--gone">Clause deleted</span>
              )}
              <p className="dashboard-bracket">
                [
                {bracket.alternatives.map((option, position) => (
                  <span key={option.index}>
                    {position > 0 ? ' / ' : ''}
                    {option.text || '(no text)'} <sup className="bracket-code">{option.proponentCode}</sup>
                  </span>
                ))}
                ]
              </p>
              <p className="dashboard-meta">
                Opened by {bracket.createdBy.name} ({bracket.proponentCode})
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function PositionsOverview({
  documentId,
  directory,
  snapshot,
  detail,
}: {
  documentId: string;
  directory: ClauseDirectory;
  snapshot: NegotiationSnapshot;
  detail: DocumentDetail;
}) {
  const groups = positionsByParticipant(directory, snapshot.state.positions);
  const names = new Map(detail.participants.map((participant) => [participant.code, participant.name]));
  return (
    <section className="dashboard-card" aria-labelledby="dashboard-positions">
      <h2 id="dashboard-positions" className="dashboard-card__title">
        Positions by participant
      </h2>
      {groups.length === 0 ? (
        <p className="dashboard-empty">No delegation has recorded a position.</p>
      ) : (
        <ul className="dashboard-list dashboard-list--rows">
          {groups.map((group) => {
            const objections = group.entries.filter(({ entry }) => OBJECTING_POSITIONS.has(entry.position));
            return (
              <li
                key={group.participantCode}
                className="dashboard-row"
                data-testid={`positions-${group.participantCode}`}
              >
                <p className="dashboard-participant">
                  <span className="code-chip">{group.participantCode}</span>{' '}
                  {names.get(group.participantCode) ?? ''}
                  <span className="dashboard-meta">
                    {' '}
                    · {objections.length}{' '}
                    {objections.length === 1 ? 'reservation or objection' : 'reservations or objections'}
                  </span>
                </p>
                <ul className="position-list">
                  {group.entries.map(({ entry, clause }) => (
                    <li key={entry.clauseId} className="position-list__item" title={describePosition(entry)}>
                      <span className={positionClassName(entry.position)}>
                        <span className="position-chip__mark">{POSITION_MARK[entry.position]}</span>
                      </span>
                      <span className="position-list__label">{POSITION_LABEL[entry.position]}</span>
                      <ClauseLink documentId={documentId} clause={clause} />
                      {entry.note ? (
                        <span className="dashboard-meta">“{shorten(entry.note, 80)}”</span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

export function ThreadsOverview({
  documentId,
  directory,
  snapshot,
}: {
  documentId: string;
  directory: ClauseDirectory;
  snapshot: NegotiationSnapshot;
}) {
  const groups = unresolvedThreadsBySection(directory, snapshot.state.threads);
  return (
    <section className="dashboard-card" aria-labelledby="dashboard-threads">
      <h2 id="dashboard-threads" className="dashboard-card__title">
        Unresolved comments by section
      </h2>
      {groups.length === 0 ? (
        <p className="dashboard-empty">No unresolved comments.</p>
      ) : (
        groups.map((group) => (
          <div key={group.section?.number ?? 'deleted'} className="dashboard-group">
            <h3 className="dashboard-group__title">
              {group.section
                ? `${group.section.number}. ${group.section.title || 'Untitled area'}`
                : 'On deleted clauses'}
              <span className="panel__count">{group.threads.length}</span>
            </h3>
            <ul className="dashboard-list">
              {group.threads.map(({ thread, clause }) => (
                <li key={thread.id} className="dashboard-thread">
                  {clause ? (
                    <ClauseLink documentId={documentId} clause={clause} />
                  ) : (
                    <Link to={`${documentPath(documentId)}#thread-${thread.id}`} className="dashboard-link">
                      Open the thread
                    </Link>
                  )}
                  <span className="dashboard-meta">
                    {thread.author.name} ({thread.author.participantCode}):{' '}
                    {shorten(thread.comments[0]?.body ?? '', 90)}
                    {thread.comments.length > 1 ? ` · ${thread.comments.length - 1} replies` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ))
      )}
    </section>
  );
}
