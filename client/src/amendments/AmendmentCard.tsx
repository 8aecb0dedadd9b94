/**
 * One amendment in the panel: AM n, what it does to which clause, its status,
 * proponent and co-sponsors by participant code, its redline against the
 * clause text it was tabled on (and whether the clause changed since), the
 * justification, the decision, and the buttons each user may use: co-sponsor
 * or withdraw a co-signature (another delegation), withdraw (the proponent
 * delegation), decide (the pen-holder).
 */
import { AMENDMENT_KIND_LABEL, AMENDMENT_STATUS_LABEL, type Amendment } from '@draftroom/shared';
import type { CSSProperties } from 'react';
import { formatDateTime } from '../format';
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { isPenHolder } from '../negotiation/roles';
import { useAmendments } from './AmendmentsContext';
import {
  amendmentRedline,
  clauseChangedSince,
  clauseRedline,
  delegationColor,
  mayCosponsor,
  mayWithdraw,
  mayWithdrawCosponsorship,
  tabledAgainstNote,
} from './amendmentModel';
import { DecisionControls } from './DecisionControls';
import { AmendmentRedline } from './RedlineView';
import { useAmendmentActions } from './useAmendmentActions';

function DelegationChip({ code }: { code: string }) {
  const { colors } = useAmendments();
  return (
    <span
      className="delegation-chip"
      style={{ '--am-color': delegationColor(colors, code) } as CSSProperties}
    >
      {code}
    </span>
  );
}

function Sponsors({ amendment }: { amendment: Amendment }) {
  return (
    <p className="amendment-card__sponsors">
      <span className="visually-hidden">Proponent: </span>
      <DelegationChip code={amendment.proponentCode} />
      {amendment.cosponsors.length > 0 ? (
        <span className="amendment-card__cosponsors" data-testid="amendment-cosponsors">
          {' '}
          co-sponsored by{' '}
          {amendment.cosponsors.map((entry) => (
            <DelegationChip key={entry.participantCode} code={entry.participantCode} />
          ))}
        </span>
      ) : null}
      <span className="amendment-card__meta">
        {' '}
        · {amendment.tabledBy.name}, {formatDateTime(amendment.tabledAt)}
      </span>
    </p>
  );
}

/** What became of it: who decided and when, what covers it, why it fell. */
function Outcome({ amendment }: { amendment: Amendment }) {
  const parts: string[] = [];
  if (amendment.compromise && amendment.covers.length > 0) {
    parts.push(`Compromise covering ${amendment.covers.map((number) => `AM ${number}`).join(', ')}.`);
  }
  if (amendment.coveredBy !== null) parts.push(`Covered by compromise AM ${amendment.coveredBy}.`);
  if (amendment.fallenReason === 'clause-deleted') parts.push('Fell: its clause was deleted.');
  if (amendment.fallenReason === 'moot') parts.push('Fell: an accepted amendment made it moot.');
  if (amendment.decidedBy && amendment.decidedAt && amendment.status !== 'tabled') {
    parts.push(
      `${AMENDMENT_STATUS_LABEL[amendment.status]} by ${amendment.decidedBy.name}, ${formatDateTime(amendment.decidedAt)}.`,
    );
  }
  if (parts.length === 0) return null;
  return <p className="amendment-card__outcome">{parts.join(' ')}</p>;
}

function SponsorActions({ amendment }: { amendment: Amendment }) {
  const { user, detail } = useNegotiationContext();
  const actions = useAmendmentActions();
  const code = user.participant.code;
  const label = `AM ${amendment.number}`;
  const buttons = [
    mayCosponsor(amendment, code, detail.role) ? (
      <button
        key="co"
        type="button"
        className="button button--small"
        onClick={() => void actions.cosponsor(amendment.id)}
      >
        Co-sponsor<span className="visually-hidden"> {label}</span>
      </button>
    ) : null,
    mayWithdrawCosponsorship(amendment, code, detail.role) ? (
      <button
        key="unco"
        type="button"
        className="button button--small"
        onClick={() => void actions.withdrawCosponsorship(amendment.id)}
      >
        Withdraw co-signature<span className="visually-hidden"> from {label}</span>
      </button>
    ) : null,
    mayWithdraw(amendment, code, detail.role) ? (
      <button
        key="withdraw"
        type="button"
        className="button button--small"
        onClick={() => void actions.withdraw(amendment.id)}
      >
        Withdraw<span className="visually-hidden"> {label}</span>
      </button>
    ) : null,
  ].filter(Boolean);
  if (buttons.length === 0) return null;
  return <div className="amendment-card__buttons">{buttons}</div>;
}

interface AmendmentCardProps {
  amendment: Amendment;
  /** "2.3", or for a new clause "2.3a (new)". */
  target: string;
  /** The number of the clause it amends (or follows) now, or when tabled if it is gone. */
  clauseNumber: string;
  /** The clause's current text; undefined when it is gone. */
  currentText: string | undefined;
  active: boolean;
}

export function AmendmentCard({ amendment, target, clauseNumber, currentText, active }: AmendmentCardProps) {
  const { detail } = useNegotiationContext();
  const { colors } = useAmendments();
  const changed = amendment.status === 'tabled' && clauseChangedSince(amendment, currentText);
  const note = tabledAgainstNote(amendment, changed);
  return (
    <article
      className={`amendment-card${active ? ' is-active' : ''}`}
      aria-labelledby={`amendment-${amendment.id}`}
      data-testid="amendment"
      data-status={amendment.status}
      style={{ '--am-color': delegationColor(colors, amendment.proponentCode) } as CSSProperties}
    >
      <header className="amendment-card__header">
        <h3 className="amendment-card__title" id={`amendment-${amendment.id}`}>
          AM {amendment.number}
          {amendment.compromise ? <span className="amendment-card__compromise"> (compromise)</span> : null}
        </h3>
        <span className="amendment-card__where">
          Clause {target}
          {currentText === undefined ? ' (deleted)' : ''} · {AMENDMENT_KIND_LABEL[amendment.kind]}
        </span>
        <span
          className={`amendment-status amendment-status--${amendment.status}`}
          data-testid="amendment-status"
        >
          {AMENDMENT_STATUS_LABEL[amendment.status]}
        </span>
      </header>
      <Sponsors amendment={amendment} />
      <AmendmentRedline segments={amendmentRedline(amendment)} />
      {note ? (
        <p className="amendment-card__changed" data-testid="amendment-changed-since">
          {note}
        </p>
      ) : null}
      {amendment.acceptedText !== null ? (
        <div className="amendment-card__accepted">
          <p className="amendment-card__label">As accepted</p>
          <AmendmentRedline
            segments={clauseRedline(
              amendment.kind === 'insert' ? '' : amendment.baseText,
              amendment.acceptedText,
            )}
          />
        </div>
      ) : null}
      {amendment.justification ? (
        <p className="amendment-card__justification">
          <span className="amendment-card__label">Justification: </span>
          {amendment.justification}
        </p>
      ) : null}
      <Outcome amendment={amendment} />
      <SponsorActions amendment={amendment} />
      {isPenHolder(detail.role) && amendment.status === 'tabled' ? (
        <DecisionControls amendment={amendment} number={clauseNumber} currentText={currentText} />
      ) : null}
    </article>
  );
}
