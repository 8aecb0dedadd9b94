import type { Amendment, Bracket } from '@draftroom/shared';
import { expect } from 'vitest';
import { storedPassage } from './bracketPassages';
import type { ActionContext, DocumentActionSpec } from './matrixDocumentActions';
import type { MatrixActor } from './securityMatrix';
import type { TestServer } from './testServer';

/** The delegation code of an actor (the anonymous actor has none). */
function codeOf(server: TestServer, actor: MatrixActor): string {
  return server.server.repositories.users.findByEmail(actor.email)?.profile.participant.code ?? '';
}

const amendmentPath = (amendment: Amendment, suffix: string) =>
  `/api/documents/{documentId}/amendments/${amendment.id}${suffix}`;

/**
 * The bracket and amendment actions of the matrix, on a document of their own
 * (DocumentActionRig: one clause per actor and row). Each allowed attempt
 * must do what it says; each refused one changes neither the text nor the
 * negotiation record, and a role below the action's gets the policy's refusal.
 */
export function documentRows(server: () => TestServer): { name: string; spec: DocumentActionSpec }[] {
  const commenterOrAbove = ({ actor }: ActionContext) =>
    actor.docRole === 'pen-holder' || actor.docRole === 'drafter' || actor.docRole === 'commenter';
  return [
    {
      name: 'GET /api/documents/:id/amendments',
      spec: {
        minimum: 'observer',
        success: 200,
        async prepare({ rig, clauseId, clauseText }) {
          await rig.table(clauseId, clauseText);
          return { method: 'GET', path: '/api/documents/{documentId}/amendments' };
        },
        check(answer, { clauseId }) {
          expect((answer.body as Amendment[]).some((amendment) => amendment.clauseId === clauseId)).toBe(
            true,
          );
        },
      },
    },
    {
      name: 'POST /api/documents/:id/brackets',
      spec: {
        minimum: 'drafter',
        action: 'bracket',
        success: 201,
        async prepare({ rig, clauseId }) {
          const body = storedPassage(
            rig.server,
            clauseId,
            'alpha cooperation',
            ['beta links'],
            rig.documentId,
          );
          return { method: 'POST', path: '/api/documents/{documentId}/brackets', body };
        },
        check(answer, { actor, clauseId }) {
          const bracket = answer.body as Bracket;
          expect(bracket).toMatchObject({
            clauseId,
            proponentCode: codeOf(server(), actor),
            resolution: null,
          });
          expect(bracket.alternatives.map((alternative) => alternative.text)).toEqual([
            'alpha cooperation',
            'beta links',
          ]);
        },
      },
    },
    {
      name: 'POST /api/documents/:id/brackets/:bracketId/alternatives',
      spec: {
        minimum: 'commenter',
        action: 'propose-alternative',
        success: 201,
        async prepare({ rig, clauseId, actor }) {
          const bracket = await rig.bracket(clauseId, 'bravo return');
          const body = { text: `wording of ${actor.key}` };
          return {
            method: 'POST',
            path: `/api/documents/{documentId}/brackets/${bracket.id}/alternatives`,
            body,
          };
        },
        check(answer, { actor }) {
          const alternatives = (answer.body as Bracket).alternatives;
          expect(alternatives.at(-1)).toMatchObject({
            text: `wording of ${actor.key}`,
            proponentCode: codeOf(server(), actor),
          });
        },
      },
    },
    {
      name: 'POST /api/documents/:id/brackets/:bracketId/resolution',
      spec: {
        minimum: 'pen-holder',
        action: 'resolve-bracket',
        success: 200,
        async prepare({ rig, clauseId }) {
          const bracket = await rig.bracket(clauseId, 'charlie training', ['delta drills']);
          const body = { keep: 1 };
          return {
            method: 'POST',
            path: `/api/documents/{documentId}/brackets/${bracket.id}/resolution`,
            body,
          };
        },
        check(answer) {
          expect((answer.body as Bracket).resolution).toMatchObject({
            kind: 'kept',
            index: 1,
            text: 'delta drills',
          });
        },
      },
    },
    {
      name: 'POST /api/documents/:id/amendments',
      spec: {
        minimum: 'commenter',
        action: 'table-amendment',
        success: 201,
        async prepare({ clauseId, clauseText }) {
          const body = {
            kind: 'modify',
            clauseId,
            baseText: clauseText,
            proposedText: `${clauseText} Also echo.`,
          };
          return { method: 'POST', path: '/api/documents/{documentId}/amendments', body };
        },
        check(answer, { actor, clauseId }) {
          expect(answer.body).toMatchObject({
            clauseId,
            status: 'tabled',
            proponentCode: codeOf(server(), actor),
          });
        },
      },
    },
    {
      name: 'POST /api/documents/:id/amendments/:amendmentId/cosponsors',
      spec: {
        minimum: 'commenter',
        action: 'cosponsor-amendment',
        success: 200,
        async prepare({ rig, clauseId, clauseText }) {
          const amendment = await rig.table(clauseId, clauseText);
          return { method: 'POST', path: amendmentPath(amendment, '/cosponsors') };
        },
        check(answer, { actor }) {
          const codes = (answer.body as Amendment).cosponsors.map((entry) => entry.participantCode);
          expect(codes).toEqual([codeOf(server(), actor)]);
        },
      },
    },
    {
      name: 'DELETE /api/documents/:id/amendments/:amendmentId/cosponsors',
      spec: {
        minimum: 'commenter',
        action: 'cosponsor-amendment',
        success: 200,
        async prepare(context) {
          const { rig, clauseId, clauseText, session } = context;
          const amendment = await rig.table(clauseId, clauseText);
          const cosponsors = { method: 'DELETE', path: amendmentPath(amendment, '/cosponsors') };
          if (session && commenterOrAbove(context)) {
            await rig.fixture(session, { ...cosponsors, method: 'POST' }, 200);
          }
          return cosponsors;
        },
        check(answer) {
          expect((answer.body as Amendment).cosponsors).toEqual([]);
        },
      },
    },
    {
      name: 'POST /api/documents/:id/amendments/:amendmentId/withdrawal',
      spec: {
        minimum: 'commenter',
        action: 'withdraw-amendment',
        success: 200,
        async prepare(context) {
          const { rig, clauseId, clauseText, session } = context;
          // Its own delegation's amendment when the role may table one; the secretariat's otherwise.
          const tabler = session && commenterOrAbove(context) ? session : rig.secretariat;
          const amendment = await rig.table(clauseId, clauseText, tabler);
          return { method: 'POST', path: amendmentPath(amendment, '/withdrawal') };
        },
        check(answer) {
          expect((answer.body as Amendment).status).toBe('withdrawn');
        },
      },
    },
    {
      name: 'POST /api/documents/:id/amendments/:amendmentId/decision',
      spec: {
        minimum: 'pen-holder',
        action: 'decide-amendment',
        success: 200,
        async prepare({ rig, clauseId, clauseText }) {
          const amendment = await rig.table(clauseId, clauseText);
          return {
            method: 'POST',
            path: amendmentPath(amendment, '/decision'),
            body: { decision: 'reject' },
          };
        },
        check(answer) {
          expect((answer.body as Amendment).status).toBe('rejected');
        },
      },
    },
    {
      name: 'POST /api/documents/:id/amendments/compromise',
      spec: {
        minimum: 'pen-holder',
        action: 'table-compromise',
        success: 201,
        async prepare({ rig, clauseId, clauseText }) {
          const amendment = await rig.table(clauseId, clauseText);
          const body = {
            covers: [amendment.id],
            proposedText: `${clauseText} Compromise echo.`,
            justification: 'Merges the proposals.',
          };
          return { method: 'POST', path: '/api/documents/{documentId}/amendments/compromise', body };
        },
        check(answer, { clauseId }) {
          expect(answer.body).toMatchObject({ clauseId, compromise: true, status: 'tabled' });
        },
      },
    },
  ];
}
