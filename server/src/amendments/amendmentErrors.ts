import type { AmendmentConflict, ClauseChangedConflict } from '@draftroom/shared';
import { HttpError } from '../errors';

/**
 * An HTTP error whose body carries more than `{error, message}`: the texts a
 * client needs to redraft or decide (sent by amendmentRoutes' error handler
 * as `{error: code, code, message, ...details}`).
 */
export class DetailedHttpError extends HttpError {
  constructor(
    status: number,
    code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(status, code, message);
    this.name = 'DetailedHttpError';
  }

  /** The JSON body sent for this error. */
  body(): Record<string, unknown> {
    return { error: this.code, code: this.code, message: this.message, ...this.details };
  }
}

/** 409 `amendment_conflict`: the change does not apply cleanly to the current text; nothing was applied. */
export function amendmentConflict(
  conflict: Pick<AmendmentConflict, 'amendmentId' | 'baseText' | 'proposedText' | 'currentText'>,
): DetailedHttpError {
  return new DetailedHttpError(
    409,
    'amendment_conflict',
    'The clause changed in the same words since this amendment was tabled. Compare base, proposed and current text and decide.',
    { ...conflict },
  );
}

/** 409 `clause_changed`: tabled against a clause text that changed in the same words; nothing was stored. */
export function clauseChanged(currentText: string): DetailedHttpError {
  const body: Pick<ClauseChangedConflict, 'currentText'> = { currentText };
  return new DetailedHttpError(
    409,
    'clause_changed',
    'The clause changed in the words you amend since you started. Redraft against its current text.',
    body,
  );
}

/** 409 `clause_locked`: the clause is agreed; the pen-holder reopens it first. */
export function clauseLocked(): HttpError {
  return new HttpError(
    409,
    'clause_locked',
    'This clause is agreed. Reopen it before accepting an amendment to it.',
  );
}

/** 409 `not_open`: the amendment was already decided, withdrawn, covered or fell. */
export function notOpen(number: number): HttpError {
  return new HttpError(409, 'not_open', `AM ${number} is no longer tabled.`);
}
