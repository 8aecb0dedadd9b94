/**
 * Amendments over HTTP with a real server and SQLite: tabling (numbers,
 * proponent and time from the session, rebase at tabling), co-sponsoring,
 * withdrawal, permissions on every path, compromises, live notices, audit,
 * and hostile input refused with nothing stored.
 */
import type { Amendment } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AmendmentsApi,
  amendmentsAs,
  createAmendableDocument,
  watchDocument,
} from '../support/amendmentsApi';
import { signInOutsider } from '../support/negotiationApi';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const RETURN_CLAUSE = 'Give priority to voluntary return over forced return, in cooperation with IOM.';
const TRAINING_CLAUSE = 'Develop joint training for border guards on forged documents.';

describe('amendments: tabling, co-sponsoring, withdrawal and permissions', () => {
  let server: TestServer;
  let documentId: string;
  let clauseIds: string[];
  let ua: AmendmentsApi;
  let hu: AmendmentsApi;
  let cz: AmendmentsApi;
  let pl: AmendmentsApi;
  let observer: AmendmentsApi;

  beforeAll(async () => {
    server = await startTestServer();
    ({ documentId, clauseIds } = createAmendableDocument(server, [RETURN_CLAUSE, TRAINING_CLAUSE, 'Third.']));
    ua = await amendmentsAs(server, DEMO.commenter, documentId);
    hu = await amendmentsAs(server, DEMO.hungarianDrafter, documentId);
    cz = await amendmentsAs(server, DEMO.czechDrafter, documentId);
    pl = await amendmentsAs(server, DEMO.penHolder, documentId);
    observer = await amendmentsAs(server, DEMO.observer, documentId);
  });
  afterAll(async () => {
    await server.dispose();
  });

  const clause = (index: number) => clauseIds[index] as string;
  const modify = (proposedText: string, extra: Record<string, unknown> = {}) => ({
    kind: 'modify',
    clauseId: clause(0),
    baseText: RETURN_CLAUSE,
    proposedText,
    justification: 'Assisted return needs a partner.',
    ...extra,
  });

  it('a commenter tables AM 1, then AM 2: numbered in order, proponent and time from the session, seen live', async () => {
    const watcher = await watchDocument(server, DEMO.hungarianDrafter, documentId);
    const before = Date.now();
    const first = await ua.table(
      modify('Give priority to voluntary return over forced return, in cooperation with IOM and UNHCR.', {
        proponentCode: 'PL',
        number: 99,
        tabledAt: '2000-01-01T00:00:00Z',
      }),
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      number: 1,
      kind: 'modify',
      clauseId: clause(0),
      clauseNumber: '1.1',
      proponentCode: 'UA',
      status: 'tabled',
      baseText: RETURN_CLAUSE,
      baseVersionLabel: null,
      cosponsors: [],
      compromise: false,
    });
    expect(first.body.tabledBy.participantCode).toBe('UA');
    expect(Date.parse(first.body.tabledAt)).toBeGreaterThanOrEqual(before - 1000);
    const second = await hu.table({ kind: 'delete', clauseId: clause(2), baseText: 'Third.' });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ number: 2, kind: 'delete', proposedText: '', proponentCode: 'HU' });
    await waitFor(() => watcher.amendmentEvents().length >= 2, { what: 'the two tablings pushed live' });
    expect(watcher.amendmentEvents().map((a) => a.number)).toEqual([1, 2]);
    watcher.destroy();
    const listed = await observer.list();
    expect(listed.status).toBe(200);
    expect(listed.body.map((a) => a.number)).toEqual([1, 2]);
    expect((await pl.state()).body.amendments.map((a) => a.id)).toEqual(listed.body.map((a) => a.id));
  });

  it('the base version is the newest named version when tabled', async () => {
    const saved = await pl.request('POST', `/api/documents/${documentId}/versions`, {
      label: 'Rev. 2 — for Poznań',
      note: '',
    });
    expect(saved.status).toBe(201);
    const tabled = await ua.table({
      kind: 'insert',
      clauseId: clause(1),
      proposedText: 'Share the curricula.',
    });
    expect(tabled.status).toBe(201);
    expect(tabled.body).toMatchObject({
      kind: 'insert',
      baseVersionLabel: 'Rev. 2 — for Poznań',
      baseText: TRAINING_CLAUSE,
    });
  });

  it('rebases a change drafted against an older text, or refuses with the current text when it collides', async () => {
    const older = 'Give priority to voluntary return, in cooperation with IOM.';
    const rebased = await ua.table({
      kind: 'modify',
      clauseId: clause(0),
      baseText: older,
      proposedText: 'Give priority to voluntary return, in close cooperation with IOM.',
    });
    expect(rebased.status).toBe(201);
    expect(rebased.body.baseText).toBe(RETURN_CLAUSE);
    expect(rebased.body.proposedText).toBe(
      'Give priority to voluntary return over forced return, in close cooperation with IOM.',
    );
    const count = (await ua.list()).body.length;
    const colliding = await ua.table({
      kind: 'modify',
      clauseId: clause(0),
      baseText: 'Give priority to voluntary return over deportation, in cooperation with IOM.',
      proposedText: 'Give priority to voluntary return over expulsion, in cooperation with IOM.',
    });
    expect(colliding.status).toBe(409);
    expect(colliding.body).toMatchObject({
      code: 'clause_changed',
      error: 'clause_changed',
      currentText: RETURN_CLAUSE,
    });
    const deletion = await ua.table({ kind: 'delete', clauseId: clause(0), baseText: older });
    expect(deletion.status).toBe(409);
    expect((await ua.list()).body).toHaveLength(count);
  });

  it('co-sponsors: another delegation signs once, takes its signature back; the proponent and observers cannot', async () => {
    const amendment = (await ua.list()).body[0] as Amendment;
    expect((await ua.cosponsor(amendment.id)).status).toBe(403);
    expect((await observer.cosponsor(amendment.id)).status).toBe(403);
    const signed = await cz.cosponsor(amendment.id);
    expect(signed.status).toBe(200);
    expect(signed.body.cosponsors.map((c) => c.participantCode)).toEqual(['CZ']);
    expect((await cz.cosponsor(amendment.id)).body.cosponsors).toHaveLength(1);
    expect((await hu.cosponsor(amendment.id)).body.cosponsors.map((c) => c.participantCode)).toEqual([
      'CZ',
      'HU',
    ]);
    const unsigned = await cz.uncosponsor(amendment.id);
    expect(unsigned.status).toBe(200);
    expect(unsigned.body.cosponsors.map((c) => c.participantCode)).toEqual(['HU']);
    expect((await cz.uncosponsor(amendment.id)).status).toBe(404);
  });

  it('withdrawal: only the proponent delegation, only while tabled; audited', async () => {
    const tabled = await ua.table(modify('Give priority to voluntary return over forced return.'));
    const id = tabled.body.id;
    expect((await hu.withdraw(id)).status).toBe(403);
    expect((await pl.withdraw(id)).status).toBe(403);
    expect((await observer.withdraw(id)).status).toBe(403);
    const withdrawn = await ua.withdraw(id);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: 'withdrawn', decidedBy: { participantCode: 'UA' } });
    expect((await ua.withdraw(id)).status).toBe(409);
    expect((await hu.cosponsor(id)).status).toBe(409);
    const row = server.server.db
      .prepare("SELECT target, detail FROM audit_log WHERE action = 'amendment-withdrawn' ORDER BY id DESC")
      .get() as { target: string; detail: string };
    expect(row.target).toBe(`AM ${tabled.body.number}`);
    expect(JSON.parse(row.detail)).toMatchObject({ documentId, amendmentId: id });
  });

  it('observers cannot table; drafters and commenters cannot decide; a user with no role gets 404 everywhere', async () => {
    const count = (await pl.list()).body.length;
    expect((await observer.table(modify('Observer words.'))).status).toBe(403);
    const open = (await pl.list()).body.find((a) => a.status === 'tabled') as Amendment;
    expect((await hu.decide(open.id, { decision: 'accept' })).status).toBe(403);
    expect((await ua.decide(open.id, { decision: 'reject' })).status).toBe(403);
    expect((await hu.compromise({ covers: [open.id], proposedText: 'x' })).status).toBe(403);
    const outsider = new AmendmentsApi(server, await signInOutsider(server), documentId);
    expect((await outsider.list()).status).toBe(404);
    expect((await outsider.table(modify('Outside words.'))).status).toBe(404);
    expect((await outsider.cosponsor(open.id)).status).toBe(404);
    expect((await outsider.withdraw(open.id)).status).toBe(404);
    expect((await outsider.decide(open.id, { decision: 'reject' })).status).toBe(404);
    const after = (await pl.list()).body;
    expect(after).toHaveLength(count);
    expect(after.find((a) => a.id === open.id)?.status).toBe('tabled');
  });

  it('rejects as a record-only decision by the pen-holder, audited with who and when', async () => {
    const tabled = await ua.table(
      modify('Give priority to voluntary return over any forced return, in cooperation with IOM.'),
    );
    const rejected = await pl.decide(tabled.body.id, { decision: 'reject' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedBy: { participantCode: 'PL' } });
    expect(rejected.body.decidedAt).toEqual(expect.any(String));
    expect((await pl.decide(tabled.body.id, { decision: 'accept' })).status).toBe(409);
    const row = server.server.db
      .prepare("SELECT target, detail FROM audit_log WHERE action = 'amendment-decided' ORDER BY id DESC")
      .get() as { target: string; detail: string };
    expect(row.target).toBe(`AM ${tabled.body.number}`);
    expect(JSON.parse(row.detail)).toMatchObject({ decision: 'reject', status: 'rejected' });
  });

  it('a compromise covers its originals in one step; withdrawing it puts them back to tabled', async () => {
    const a = await ua.table(
      modify('Give priority to voluntary return over forced return, in cooperation with IOM and UNHCR.'),
    );
    const b = await hu.table(
      modify('Give clear priority to voluntary return over forced return, in cooperation with IOM.'),
    );
    const watcher = await watchDocument(server, DEMO.commenter, documentId);
    const compromise = await pl.compromise({
      covers: [a.body.id, b.body.id],
      proposedText:
        'Give clear priority to voluntary return over forced return, in cooperation with IOM and UNHCR.',
      justification: 'Merges both.',
    });
    expect(compromise.status).toBe(201);
    expect(compromise.body).toMatchObject({
      compromise: true,
      covers: [a.body.number, b.body.number],
      proponentCode: 'PL',
      status: 'tabled',
      baseText: RETURN_CLAUSE,
    });
    const listed = new Map((await ua.list()).body.map((amendment) => [amendment.id, amendment]));
    for (const id of [a.body.id, b.body.id]) {
      expect(listed.get(id)).toMatchObject({
        status: 'covered-by-compromise',
        coveredBy: compromise.body.number,
      });
    }
    await waitFor(() => watcher.amendmentEvents().length >= 3, {
      what: 'compromise and covered pushed live',
    });
    expect(watcher.amendmentEvents().map((x) => x.status)).toEqual([
      'tabled',
      'covered-by-compromise',
      'covered-by-compromise',
    ]);
    expect((await pl.compromise({ covers: [a.body.id], proposedText: 'Again.' })).status).toBe(409);
    const withdrawn = await pl.withdraw(compromise.body.id);
    expect(withdrawn.body.status).toBe('withdrawn');
    const after = new Map((await ua.list()).body.map((amendment) => [amendment.id, amendment]));
    expect(after.get(a.body.id)).toMatchObject({ status: 'tabled', coveredBy: null });
    expect(after.get(b.body.id)).toMatchObject({ status: 'tabled', coveredBy: null });
    watcher.destroy();
  });

  it('refuses hostile input with a clear 4xx and stores nothing', async () => {
    const count = (await pl.list()).body.length;
    const seq = (await pl.state()).body.seq;
    const open = (await pl.list()).body.find((a) => a.status === 'tabled') as Amendment;
    const refusals: [Promise<{ status: number }>, number][] = [
      [ua.table(modify('x', { clauseId: 'cl-nowhere' })), 404],
      [ua.table({ kind: 'insert', clauseId: 'cl-nowhere', proposedText: 'New.' }), 404],
      [ua.table(modify('x'.repeat(20_001))), 400],
      [ua.table(modify('Fine words.', { justification: 'j'.repeat(2_001) })), 400],
      [ua.table(modify('Fine words.', { clauseId: 'c'.repeat(65) })), 400],
      [ua.table(modify('Bad \u0000 character.')), 400],
      [ua.table(modify('')), 400],
      [ua.table(modify(RETURN_CLAUSE)), 400],
      [ua.table({ ...modify('Fine words.'), kind: 'replace' }), 400],
      [ua.table({ kind: 'delete', clauseId: clause(0) }), 400],
      [ua.table({ kind: 'insert', clauseId: clause(0), proposedText: '   ' }), 400],
      [ua.table({ kind: 'modify', clauseId: clause(0), baseText: RETURN_CLAUSE, proposedText: 42 }), 400],
      [ua.table({}, { rawBody: '[]' }), 400],
      [ua.table(modify('Fine words.'), { rawBody: '{"kind":' }), 400],
      [ua.table(modify('Fine words.'), { rawBody: JSON.stringify(modify('y'.repeat(3_000_000))) }), 413],
      [ua.table(modify('Fine words.'), { csrf: false }), 403],
      [pl.decide(open.id, { decision: 'maybe' }), 400],
      [pl.decide(open.id, { decision: 'accept-as-modified', text: 'x' }), 400],
      [pl.decide('am-nowhere', { decision: 'reject' }), 404],
      [pl.compromise({ covers: [], proposedText: 'x' }), 400],
      [pl.compromise({ covers: ['am-nowhere'], proposedText: 'x' }), 404],
      [pl.compromise({ covers: [open.id, open.id], proposedText: 'x' }), 400],
      [ua.cosponsor('am-nowhere'), 404],
      [ua.withdraw('am-nowhere'), 404],
    ];
    for (const [request, status] of refusals) expect((await request).status).toBe(status);
    const after = (await pl.list()).body;
    expect(after).toHaveLength(count);
    expect(after.find((a) => a.id === open.id)).toEqual(open);
    expect((await pl.state()).body.seq).toBe(seq);
  });
});
