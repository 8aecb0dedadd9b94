/**
 * The amendment endpoints of the REST API (see README, "Amendments"), and
 * the refusals a proposer or the pen-holder must act on: the clause changed
 * under a proposal (409 `clause_changed`), an accepted change that no longer
 * applies cleanly (409 `amendment_conflict`), an agreed clause (409
 * `clause_locked`).
 */
import type { Amendment, AmendmentConflict, AmendmentDecision, NewAmendment } from '@draftroom/shared';
import { ApiRequestError, apiRequest } from '../api';

const amendmentsPath = (documentId: string) => `/api/documents/${encodeURIComponent(documentId)}/amendments`;
const amendmentPath = (documentId: string, amendmentId: string) =>
  `${amendmentsPath(documentId)}/${encodeURIComponent(amendmentId)}`;

/** `POST …/amendments`: tables an amendment (commenter and above); 201 with it, numbered. */
export function tableAmendment(documentId: string, amendment: NewAmendment): Promise<Amendment> {
  return apiRequest('POST', amendmentsPath(documentId), amendment);
}

/** Co-signs for the caller's delegation. */
export function cosponsorAmendment(documentId: string, amendmentId: string): Promise<Amendment> {
  return apiRequest('POST', `${amendmentPath(documentId, amendmentId)}/cosponsors`);
}

/** Takes the caller's delegation's co-signature back. */
export function withdrawCosponsorship(documentId: string, amendmentId: string): Promise<Amendment> {
  return apiRequest('DELETE', `${amendmentPath(documentId, amendmentId)}/cosponsors`);
}

/** Withdraws an amendment (its proponent delegation). */
export function withdrawAmendment(documentId: string, amendmentId: string): Promise<Amendment> {
  return apiRequest('POST', `${amendmentPath(documentId, amendmentId)}/withdrawal`);
}

/** Accepts (as tabled or modified) or rejects (pen-holder). */
export function decideAmendment(
  documentId: string,
  amendmentId: string,
  decision: AmendmentDecision,
): Promise<Amendment> {
  return apiRequest('POST', `${amendmentPath(documentId, amendmentId)}/decision`, decision);
}

/** Tables a compromise amendment covering tabled amendments to one clause (pen-holder); 201 with it. */
export function tableCompromise(
  documentId: string,
  compromise: { covers: string[]; proposedText: string; justification: string },
): Promise<Amendment> {
  return apiRequest('POST', `${amendmentsPath(documentId)}/compromise`, compromise);
}

/** The page of the compilation of amendments (built by the compilation view). */
export function compilationPath(documentId: string): string {
  return `/documents/${encodeURIComponent(documentId)}/amendments/compilation`;
}

/** Why a request about an amendment was refused, as the interface must explain it. */
export type AmendmentRefusal =
  | { kind: 'clause-changed'; message: string; currentText: string }
  | { kind: 'conflict'; message: string; conflict: AmendmentConflict }
  | { kind: 'locked'; message: string }
  | { kind: 'other'; message: string };

function stringField(body: Record<string, unknown> | null, key: string): string | undefined {
  const value = body?.[key];
  return typeof value === 'string' ? value : undefined;
}

/** Reads an error from the amendment endpoints (the code may stand in `code` or in `error`). */
export function amendmentRefusal(error: unknown): AmendmentRefusal {
  if (!(error instanceof ApiRequestError)) {
    return { kind: 'other', message: error instanceof Error ? error.message : 'The request failed.' };
  }
  const body = error.body;
  const code = stringField(body, 'code') ?? error.code;
  const errorText = stringField(body, 'error');
  const message =
    stringField(body, 'message') ??
    (errorText && errorText !== code ? errorText : undefined) ??
    error.message;
  const currentText = stringField(body, 'currentText');
  if (code === 'clause_changed' && currentText !== undefined) {
    return { kind: 'clause-changed', message, currentText };
  }
  if (code === 'amendment_conflict' && currentText !== undefined) {
    return {
      kind: 'conflict',
      message,
      conflict: {
        code: 'amendment_conflict',
        error: message,
        amendmentId: stringField(body, 'amendmentId') ?? '',
        baseText: stringField(body, 'baseText') ?? '',
        proposedText: stringField(body, 'proposedText') ?? '',
        currentText,
      },
    };
  }
  if (code === 'clause_locked') return { kind: 'locked', message };
  return { kind: 'other', message };
}
