/**
 * What the AmendmentRepository contract (amendmentRepositoryContract.ts) runs
 * on: the fixture each implementation provides, and the helpers its parts share.
 */
import { expect } from 'vitest';
import type { AmendmentRepository, NewAmendmentRecord } from '../../server/src/amendments/amendmentStore';

/** A delegation and the one user of it the suite acts as. */
export interface Delegate {
  participantId: string;
  code: string;
  userId: string;
  name: string;
}

/** A repository under test, a second one on the same records, and how to make what amendments refer to. */
export interface AmendmentRepositoryFixture {
  amendments: AmendmentRepository;
  /** The same records through what another server instance would hold (its own connections where there are any). */
  otherInstance: AmendmentRepository;
  /** Three delegations, one user each (all different). */
  delegates: readonly [Delegate, Delegate, Delegate];
  /** A new document amendments can be tabled on. */
  createDocument(): Promise<string>;
  /** Stores a version of the document: `label`, of `kind`, created at `createdAt` (ISO 8601). */
  addVersion(
    documentId: string,
    label: string,
    kind: 'named' | 'automatic',
    createdAt: string,
  ): Promise<void>;
  dispose(): Promise<void>;
}

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A time as the SQLite store writes it (`nowIso()`), within a minute of now. */
export function expectRecentIso(value: string | null): void {
  expect(value).toMatch(ISO_MS);
  expect(new Date(value as string).toISOString()).toBe(value);
  expect(Math.abs(Date.parse(value as string) - Date.now())).toBeLessThan(60_000);
}

/** A tabling record by `delegate` on `clauseId` of `documentId`; `overrides` replace any field. */
export function tabling(
  documentId: string,
  delegate: Delegate,
  clauseId = 'cl-1',
  overrides: Partial<NewAmendmentRecord> = {},
): NewAmendmentRecord {
  return {
    documentId,
    kind: 'modify',
    clauseId,
    clauseNumber: '1.1',
    baseText: 'Promote voluntary return.',
    proposedText: 'Promote sustainable voluntary return.',
    justification: '',
    proponentParticipantId: delegate.participantId,
    tabledBy: delegate.userId,
    ...overrides,
  };
}

/** The actor a delegate appears as in records. */
export const actorOf = (delegate: Delegate) => ({
  userId: delegate.userId,
  name: delegate.name,
  participantCode: delegate.code,
});

/** The contract every AmendmentRepository implementation must meet. */

/** Tables on `documentId` as delegate number `who` of the fixture. */
export function tablingBy(fixture: AmendmentRepositoryFixture) {
  return (documentId: string, who = 0, clauseId = 'cl-1', overrides: Partial<NewAmendmentRecord> = {}) =>
    fixture.amendments.insert(tabling(documentId, fixture.delegates[who] as Delegate, clauseId, overrides));
}
