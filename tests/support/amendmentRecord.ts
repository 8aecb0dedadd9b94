/**
 * An amendment record as the server stores and sends it, for the unit tests
 * and scripts that build compilations, version snapshots or the editor's
 * decorations from records without a server. Every field is filled, so a
 * test names only what it is about.
 */
import type { Actor, Amendment } from '@draftroom/shared';

/** The Ukrainian delegate who tables the default record. */
export const OLENA: Actor = { userId: 'u-ua', name: 'Olena Bondar', participantCode: 'UA' };

/**
 * AM 1 (id `am-1`, document `doc`): a tabled modification of clause 1.1
 * (`cl-a`) by the Ukrainian delegation, "Promote voluntary return." →
 * "Promote sustainable voluntary return.", tabled against "Rev. 1" on
 * 2025-03-01, with no co-sponsor, justification or decision. `overrides`
 * replace any field.
 */
export function amendmentRecord(overrides: Partial<Amendment> = {}): Amendment {
  return {
    id: 'am-1',
    documentId: 'doc',
    number: 1,
    kind: 'modify',
    clauseId: 'cl-a',
    clauseNumber: '1.1',
    baseText: 'Promote voluntary return.',
    proposedText: 'Promote sustainable voluntary return.',
    baseVersionLabel: 'Rev. 1',
    justification: '',
    proponentCode: 'UA',
    tabledBy: OLENA,
    tabledAt: '2025-03-01T10:00:00Z',
    cosponsors: [],
    status: 'tabled',
    decidedBy: null,
    decidedAt: null,
    acceptedText: null,
    fallenReason: null,
    compromise: false,
    covers: [],
    coveredBy: null,
    createdClauseId: null,
    ...overrides,
  };
}
