import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readClauses } from '../../server/src/content/outline';
import { firstParagraphText, storedPassage } from '../support/bracketPassages';
import { apiAs, createSecondDocument, type NegotiationApi } from '../support/negotiationApi';
import { plain } from '../support/negotiationLive';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

describe('clause status, delegation positions and brackets over HTTP', () => {
  let server: TestServer;
  let pen: NegotiationApi;
  let hu: NegotiationApi;
  let cz: NegotiationApi;
  let ua: NegotiationApi;
  let observer: NegotiationApi;
  let clauseIds: string[];

  beforeAll(async () => {
    server = await startTestServer();
    pen = await apiAs(server, DEMO.penHolder);
    hu = await apiAs(server, DEMO.hungarianDrafter);
    cz = await apiAs(server, DEMO.czechDrafter);
    ua = await apiAs(server, DEMO.commenter);
    observer = await apiAs(server, DEMO.observer);
    const doc = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
    clauseIds = readClauses(doc).map((clause) => clause.id);
    doc.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  const clause = (index: number) => clauseIds[index] ?? '';

  describe('positions', () => {
    it('refuses an observer a position (403) and records nothing', async () => {
      const refused = await observer.setPosition(clause(0), { position: 'supports' });
      expect(refused.status).toBe(403);
      expect((await pen.history(clause(0))).body.positions).toEqual([]);
    });

    it("records a commenter's position for the commenter's own delegation only, whatever the request says", async () => {
      const huParticipant = server.server.repositories.participants.findByCode('HU');
      const first = await ua.setPosition(clause(1), {
        position: 'scrutiny-reservation',
        note: '  Awaiting the ministry.  ',
        participantCode: 'HU',
        participantId: huParticipant?.id,
      });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        clauseId: clause(1),
        participantCode: 'UA',
        position: 'scrutiny-reservation',
        note: 'Awaiting the ministry.',
        setBy: { name: 'Olena Bondar', participantCode: 'UA' },
      });
      const second = await ua.setPosition(clause(1), { position: 'supports' });
      expect(second.body).toMatchObject({ participantCode: 'UA', position: 'supports', note: '' });

      const state = (await observer.state()).body;
      expect(state.positions.filter((p) => p.clauseId === clause(1))).toEqual([second.body]);
      const history = (await observer.history(clause(1))).body.positions;
      expect(history.map((p) => [p.participantCode, p.position])).toEqual([
        ['UA', 'scrutiny-reservation'],
        ['UA', 'supports'],
      ]);
    });

    it('keeps one current position per delegation and the full history of each', async () => {
      expect((await hu.setPosition(clause(2), { position: 'reservation', note: 'Wording' })).status).toBe(
        200,
      );
      expect((await pen.setPosition(clause(2), { position: 'supports' })).status).toBe(200);
      expect((await ua.setPosition(clause(2), { position: 'opposes' })).status).toBe(200);
      expect((await hu.setPosition(clause(2), { position: 'agreed-ad-referendum' })).status).toBe(200);

      const current = (await cz.state()).body.positions.filter((p) => p.clauseId === clause(2));
      expect(current.map((p) => [p.participantCode, p.position, p.setBy.participantCode])).toEqual([
        ['HU', 'agreed-ad-referendum', 'HU'],
        ['PL', 'supports', 'PL'],
        ['UA', 'opposes', 'UA'],
      ]);
      const history = (await cz.history(clause(2))).body.positions;
      expect(history.map((p) => `${p.participantCode}:${p.position}`)).toEqual([
        'HU:reservation',
        'PL:supports',
        'UA:opposes',
        'HU:agreed-ad-referendum',
      ]);
    });

    it('answers 400 for an unknown position and 404 for an unknown clause', async () => {
      expect((await ua.setPosition(clause(3), { position: 'maybe' })).status).toBe(400);
      expect((await ua.setPosition('cl-000000000000', { position: 'supports' })).status).toBe(404);
      expect((await pen.history(clause(3))).body.positions).toEqual([]);
    });
  });

  describe('status', () => {
    it('refuses drafters, commenters and observers a status change (403)', async () => {
      for (const api of [hu, ua, observer]) {
        expect((await api.setStatus(clause(4), 'agreed')).status).toBe(403);
      }
      expect((await pen.history(clause(4))).body.statuses).toEqual([]);
      expect((await pen.state()).body.statuses.find((s) => s.clauseId === clause(4))).toBeUndefined();
    });

    it('lets the pen-holder change a status, keeping the history', async () => {
      const bracketed = await pen.setStatus(clause(4), 'bracketed');
      expect(bracketed.status).toBe(200);
      expect(bracketed.body).toMatchObject({
        clauseId: clause(4),
        status: 'bracketed',
        changedBy: { name: 'Anna Nowak', participantCode: 'PL' },
      });
      expect((await pen.setStatus(clause(4), 'agreed-ad-referendum')).status).toBe(200);
      const current = (await hu.state()).body.statuses.filter((s) => s.clauseId === clause(4));
      expect(current.map((s) => s.status)).toEqual(['agreed-ad-referendum']);
      const history = (await hu.history(clause(4))).body.statuses;
      expect(history.map((s) => s.status)).toEqual(['bracketed', 'agreed-ad-referendum']);
    });

    it('answers 400 for an unknown status and 404 for an unknown clause', async () => {
      expect((await pen.setStatus(clause(5), 'settled')).status).toBe(400);
      expect((await pen.setStatus('cl-000000000000', 'agreed')).status).toBe(404);
      expect((await pen.history(clause(5))).body.statuses).toEqual([]);
    });
  });

  describe('brackets', () => {
    /** The first paragraph of a clause as the server has it now. */
    const storedText = (clauseId: string) => {
      const doc = loadStoredDoc(server.server.repositories.documentStorage, server.actionPlanId());
      try {
        return plain(firstParagraphText(doc, clauseId));
      } finally {
        doc.destroy();
      }
    };

    it('creates a bracket with its alternatives; the proponent is the drafting delegation', async () => {
      const input = storedPassage(server, clause(6), undefined, ['should']);
      const { id } = input;
      const words = input.anchor.quote;
      const created = await hu.newBracket(input);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id,
        clauseId: clause(6),
        proponentCode: 'HU',
        createdBy: { participantCode: 'HU', name: 'László Kovács' },
        resolution: null,
        alternatives: [
          { index: 0, text: words, proponentCode: 'HU' },
          { index: 1, text: 'should', proponentCode: 'HU' },
        ],
      });

      const added = await ua.addAlternative(id, 'may');
      expect(added.status).toBe(201);
      expect(added.body.alternatives.at(-1)).toEqual({ index: 2, text: 'may', proponentCode: 'UA' });

      expect((await hu.resolveBracket(id, { keep: 1 })).status).toBe(403);
      expect((await ua.resolveBracket(id, { keep: 1 })).status).toBe(403);
      expect((await pen.resolveBracket(id, { keep: 7 })).status).toBe(404);
      expect((await pen.state()).body.brackets.find((b) => b.id === id)?.resolution).toBeNull();
      const before = storedText(clause(6));
      expect(before.startsWith(words)).toBe(true);

      const resolved = await pen.resolveBracket(id, { keep: 1 });
      expect(resolved.status).toBe(200);
      expect(resolved.body.resolution).toMatchObject({
        kind: 'kept',
        index: 1,
        text: 'should',
        by: { participantCode: 'PL', name: 'Anna Nowak' },
      });
      expect(resolved.body.resolution?.at).toBeTruthy();
      expect(storedText(clause(6))).toBe(`should${before.slice(words.length)}`);

      expect((await ua.addAlternative(id, 'must')).status).toBe(403);
      expect((await pen.addAlternative(id, 'must')).status).toBe(403);
      expect((await pen.resolveBracket(id, { keep: 0 })).status).toBe(409);
      const stored = (await observer.state()).body.brackets.find((b) => b.id === id);
      expect(stored?.alternatives.map((a) => a.text)).toEqual([words, 'should', 'may']);
      expect(stored?.resolution).toMatchObject({ kind: 'kept', index: 1, text: 'should' });
    });

    it('lets the pen-holder drop a bracket', async () => {
      const input = storedPassage(server, clause(7));
      expect((await cz.newBracket(input)).status).toBe(201);
      const before = storedText(clause(7));
      const dropped = await pen.resolveBracket(input.id, { drop: true });
      expect(dropped.status).toBe(200);
      expect(dropped.body.proponentCode).toBe('CZ');
      expect(dropped.body.resolution).toMatchObject({ kind: 'dropped', by: { participantCode: 'PL' } });
      expect(storedText(clause(7))).toBe(before.slice(input.anchor.quote.length));
    });

    it('refuses commenters and observers a new bracket, and observers an alternative (403)', async () => {
      const input = storedPassage(server, clause(8), undefined, ['b']);
      const before = storedText(clause(8));
      expect((await ua.newBracket(input)).status).toBe(403);
      expect((await observer.newBracket(input)).status).toBe(403);
      expect((await pen.state()).body.brackets.find((b) => b.id === input.id)).toBeUndefined();
      expect(storedText(clause(8))).toBe(before);
      const open = storedPassage(server, clause(8));
      expect((await hu.newBracket(open)).status).toBe(201);
      expect((await observer.addAlternative(open.id, 'b')).status).toBe(403);
      expect((await pen.state()).body.brackets.find((b) => b.id === open.id)?.alternatives).toHaveLength(1);
    });

    it('answers 404 for an unknown bracket or clause, 400 for a bad id, 409 for a duplicate id', async () => {
      expect((await ua.addAlternative('br-0000000000', 'x')).status).toBe(404);
      expect((await pen.resolveBracket('br-0000000000', { keep: 0 })).status).toBe(404);
      const input = storedPassage(server, clause(9));
      expect((await hu.newBracket({ ...input, clauseId: 'cl-000000000000' })).status).toBe(404);
      expect((await hu.newBracket({ ...input, id: 'bracket-1' })).status).toBe(400);
      expect((await hu.newBracket({ ...input, alternatives: [] })).status).toBe(400);
      expect((await hu.newBracket(input)).status).toBe(201);
      const again = storedPassage(server, clause(11));
      expect((await cz.newBracket({ ...again, id: input.id })).status).toBe(409);
      const stored = (await pen.state()).body.brackets.find((b) => b.id === input.id);
      expect(stored).toMatchObject({
        clauseId: clause(9),
        proponentCode: 'HU',
        alternatives: [{ text: input.anchor.quote }],
      });
    });

    it('accepts a bracket id already used on another document (ids are per document), which stays intact', async () => {
      const otherId = createSecondDocument(server, 'Bracket id collision');
      const otherDoc = loadStoredDoc(server.server.repositories.documentStorage, otherId);
      const otherClause = readClauses(otherDoc)[0]?.id ?? '';
      otherDoc.destroy();
      const huOther = await apiAs(server, DEMO.hungarianDrafter, otherId);
      const input = storedPassage(server, otherClause, 'First clause', [], otherId);
      expect((await huOther.newBracket(input)).status).toBe(201);

      const reused = await cz.newBracket({ ...storedPassage(server, clause(10)), id: input.id });
      expect(reused.status).toBe(201);
      expect((await huOther.state()).body.brackets.find((b) => b.id === input.id)?.alternatives).toEqual([
        { index: 0, text: 'First clause', proponentCode: 'HU' },
      ]);
    });
  });
});
