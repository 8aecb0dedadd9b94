/** A clause's status badge; for the pen-holder, also the control that changes it. */
import { CLAUSE_STATUSES, type ClauseStatus } from '@draftroom/shared';
import { ChevronIcon, LockSmallIcon } from '../icons';
import { CLAUSE_STATUS_LABEL, statusClassName } from '../labels';
import { useNegotiationContext } from '../NegotiationContext';
import { Popover, usePopover } from '../Popover';
import { isPenHolder } from '../roles';
import { useNegotiationActions } from '../useNegotiationActions';

const STATUS_HINT: Record<ClauseStatus, string> = {
  open: 'Under negotiation; anyone who drafts may edit it.',
  bracketed: 'Open, with bracketed passages to settle.',
  'agreed-ad-referendum': 'Agreed, pending confirmation by capitals.',
  agreed: 'Agreed and locked: nobody can edit it until it is reopened.',
};

function BadgeContent({ status }: { status: ClauseStatus }) {
  return (
    <>
      {status === 'agreed' ? <LockSmallIcon /> : <span className="status-badge__dot" aria-hidden="true" />}
      <span>{CLAUSE_STATUS_LABEL[status]}</span>
    </>
  );
}

export function StatusControl({
  clauseId,
  number,
  status,
}: {
  clauseId: string;
  number: string;
  status: ClauseStatus;
}) {
  const { detail } = useNegotiationContext();
  const actions = useNegotiationActions();
  const popover = usePopover();
  if (!isPenHolder(detail.role)) {
    return (
      <span className={statusClassName(status)} data-testid="clause-status" title={STATUS_HINT[status]}>
        <BadgeContent status={status} />
      </span>
    );
  }
  const choose = async (next: ClauseStatus) => {
    popover.close();
    if (next !== status) await actions.setStatus(clauseId, next);
  };
  return (
    <>
      <button
        ref={popover.anchorRef}
        type="button"
        className={`${statusClassName(status)} status-badge--control`}
        aria-haspopup="dialog"
        aria-expanded={popover.open}
        aria-label={`Status of clause ${number}: ${CLAUSE_STATUS_LABEL[status]}. Change the status`}
        data-testid="clause-status"
        onClick={popover.toggle}
      >
        <BadgeContent status={status} />
        <ChevronIcon />
      </button>
      {popover.open ? (
        <Popover anchorRef={popover.anchorRef} onClose={popover.close} label={`Status of clause ${number}`}>
          <p className="popover__title">Status of clause {number}</p>
          <ul className="choice-list">
            {CLAUSE_STATUSES.map((option) => (
              <li key={option}>
                <button
                  type="button"
                  className="choice-list__option"
                  data-status={option}
                  aria-pressed={option === status}
                  onClick={() => void choose(option)}
                >
                  <span className={statusClassName(option)}>
                    <BadgeContent status={option} />
                  </span>
                  <span className="choice-list__hint">{STATUS_HINT[option]}</span>
                </button>
              </li>
            ))}
          </ul>
        </Popover>
      ) : null}
    </>
  );
}
