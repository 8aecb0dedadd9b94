/**
 * What a person who cannot change the text is told: a line in the toolbar
 * row, and a note at the caret the first time they type. The words depend on
 * why the text is read-only — the role (a commenter may still comment and
 * record the delegation's position; an observer reads), or a connection that
 * stopped (access removed, changes refused).
 */
import { canEditText, type Role } from '@draftroom/shared';
import type { StoppedInfo } from '../editor/useCollaboration';
import { canComment } from '../negotiation/roles';
import type { CaretHintMessage } from './CaretHint';

export interface ReadOnlyNotice {
  /** The short line at the end of the toolbar row. */
  toolbar: string;
  /** The note at the caret when a key is refused. */
  caret: CaretHintMessage;
}

/** Stops after which this tab's copy of the document is closed for good. */
export function isClosed(stopped: StoppedInfo | null): boolean {
  return stopped?.reason === 'final';
}

function byRole(role: Role, delegation: string): ReadOnlyNotice {
  if (canComment(role)) {
    return {
      toolbar: 'Commenting only — you cannot change the text.',
      caret: {
        key: `read-only-${role}`,
        title: 'You can comment on this text, not change it.',
        detail: `To comment, select words and choose Comment in the toolbar. To record the position of ${delegation} on a clause, choose Position under that clause.`,
      },
    };
  }
  return {
    toolbar: 'Reading only — you cannot change the text.',
    caret: {
      key: `read-only-${role}`,
      title: 'You can read this text, not change it.',
      detail:
        'As an observer you follow the drafting as it happens; you cannot edit or comment. To take part, ask the pen-holder or an administrator for another role.',
    },
  };
}

/** The notice for a text that cannot be changed here, or `null` when it can. */
export function readOnlyNotice(
  role: Role,
  stopped: StoppedInfo | null,
  delegation: string,
): ReadOnlyNotice | null {
  if (isClosed(stopped)) {
    return {
      toolbar: 'Closed — nothing can be changed here.',
      caret: {
        key: 'closed',
        title: stopped?.message || 'This document is closed for you.',
        detail: 'Nothing you type here is kept or sent. Go back to your documents, or ask an administrator.',
      },
    };
  }
  if (stopped?.reason === 'refused') {
    return {
      toolbar: 'Editing stopped — see the message above the text.',
      caret: {
        key: 'refused',
        title: 'Your changes are not being accepted.',
        detail: 'Nothing you type now is sent. The message above the text says why and what to do.',
      },
    };
  }
  return canEditText(role) ? null : byRole(role, delegation);
}
