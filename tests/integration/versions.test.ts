import type { VersionSummary } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fingerprint, readDocumentStructure } from '../../server/src/content/structure';
import { VersionStore } from '../../server/src/versions/versionStore';
import { type CollabClient, contentOf } from '../support/collabClient';
import { createSecondDocument, signInOutsider } from '../support/negotiationApi';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, VersionsApi, versionsAs } from '../support/versionsApi';
import {
  appendToClause,
  clauseIdsOf,
  deleteClause,
  docFromState,
  insertClause,
  storedWith,
} from '../support/versionsDoc';

describe('versions API', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let drafter: VersionsApi;
  let commenter: VersionsApi;
  let observer: VersionsApi;
  let client: CollabClient;
  let ids: string[];

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    drafter = await versionsAs(server, DEMO.hungarianDrafter);
    commenter = await versionsAs(server, DEMO.commenter);
    observer = await versionsAs(server, DEMO.observer);
    // Stays connected so no automatic checkpoint (taken when the last client leaves) interleaves.
    client = await connectWellBehaved(server.wsUrl, server.actionPlanId(), drafter.who.cookie);
    ids = clauseIdsOf(client.doc);
  });
  afterAll(async () => {
    client.destroy();
    await server.dispose();
  });

  it('the seeded history holds "Rev. 1 — for the Budapest SOM", tied to the Budapest meeting', async () => {
    const [rev1, ...rest] = expectStatus(await observer.list(), 200);
    expect(rest).toEqual([]);
    expect(rev1).toMatchObject({ kind: 'named', label: 'Rev. 1 — for the Budapest SOM' });
    expect(rev1?.meeting?.place).toBe('Budapest');
    expect(rev1?.createdBy?.participantCode).toBe('PL');
    const meetings = expectStatus(await observer.meetings(), 200);
    expect(meetings.map((meeting) => meeting.id)).toContain(rev1?.meeting?.id);
  });

  it('drafters and the pen-holder save named versions; commenters and observers may not', async () => {
    const saved = expectStatus(await drafter.save({ label: '  HU proposal  ', note: 'For discussion' }), 201);
    expect(saved).toMatchObject({
      kind: 'named',
      label: 'HU proposal',
      note: 'For discussion',
      meeting: null,
    });
    expect(saved.createdBy?.participantCode).toBe('HU');
    expect(saved.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(expectStatus(await pen.save({ label: 'PL copy' }), 201).createdBy?.participantCode).toBe('PL');
    const count = expectStatus(await pen.list(), 200).length;
    expect((await commenter.save({ label: 'UA draft' })).status).toBe(403);
    expect((await observer.save({ label: 'UNHCR draft' })).status).toBe(403);
    expect(expectStatus(await pen.list(), 200)).toHaveLength(count);
  });

  it('requires a label, and a meeting of the same process', async () => {
    const count = expectStatus(await pen.list(), 200).length;
    expect((await drafter.save({})).status).toBe(400);
    expect((await drafter.save({ label: '   ' })).status).toBe(400);
    expect((await drafter.save({ label: 'x'.repeat(201) })).status).toBe(400);
    expect((await drafter.save({ label: 'Bad meeting', meetingId: 'no-such-meeting' })).status).toBe(400);

    const { repositories, db } = server.server;
    const otherProcess = repositories.processes.create('Budapest Process', 'Another process.');
    const foreign = new VersionStore(db).addMeeting(otherProcess.id, {
      startsOn: '2011-10-01',
      endsOn: '2011-10-01',
      dateLabel: 'October 2011',
      title: 'Ministerial Conference of another process',
      place: 'Istanbul',
      kind: 'ministerial-conference',
    });
    const refused = await drafter.save({ label: 'Foreign meeting', meetingId: foreign.id });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('meetingId');
    expect(expectStatus(await pen.list(), 200)).toHaveLength(count);

    const kiev = expectStatus(await drafter.meetings(), 200).find((meeting) => meeting.place === 'Kiev');
    const forKiev = expectStatus(await drafter.save({ label: 'For Kiev', meetingId: kiev?.id }), 201);
    expect(forKiev.meeting).toMatchObject({ id: kiev?.id, title: kiev?.title, place: kiev?.place });
  });

  it('lists newest first, each with change counts against the version before it', async () => {
    const base = await pen.saveOk('Before the HU changes');
    const added = insertClause(client.doc, 0, 1, 'Hold an annual expert meeting on document security [new].');
    appendToClause(client.doc, ids[3] ?? '', ' [HU amendment one]');
    appendToClause(client.doc, ids[6] ?? '', ' [HU amendment two]');
    deleteClause(client.doc, ids[8] ?? '');
    await storedWith(server, '[HU amendment two]');
    const after = await drafter.saveOk('After the HU changes');
    expect(after.summary).toEqual({ added: 1, changed: 2, removed: 1, moved: 0 });
    expect(after.fingerprint).not.toBe(base.fingerprint);
    const unchanged = await drafter.saveOk('Nothing changed since');
    expect(unchanged.summary).toEqual({ added: 0, changed: 0, removed: 0, moved: 0 });
    expect(unchanged.fingerprint).toBe(after.fingerprint);

    const list = expectStatus(await observer.list(), 200);
    expect(list.slice(0, 3).map((version) => version.id)).toEqual([unchanged.id, after.id, base.id]);
    const times = list.map((version) => Date.parse(version.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(list.at(-1)?.label).toBe('Rev. 1 — for the Budapest SOM');
    const detail = expectStatus(await observer.get(after.id), 200);
    expect(detail.structure.sections[0]?.clauses[1]?.id).toBe(added);
  });

  it('opens a version with its state, structure and fingerprint; 404 for unknown ids and other documents', async () => {
    const saved = await drafter.saveOk('To open');
    const detail = expectStatus(await observer.get(saved.id), 200);
    expect(detail).toMatchObject({ id: saved.id, label: 'To open', fingerprint: saved.fingerprint });
    expect(detail).not.toHaveProperty('lastUpdateId');
    const doc = docFromState(detail.state);
    expect(readDocumentStructure(doc)).toEqual(detail.structure);
    expect(fingerprint(detail.structure)).toBe(saved.fingerprint);
    expect(contentOf(doc)).toBe(contentOf(client.doc));
    expect(detail.negotiation).toEqual({ statuses: {}, positions: {}, brackets: {} });
    doc.destroy();

    expect((await observer.get('no-such-version')).status).toBe(404);
    const second = createSecondDocument(server);
    expect((await observer.on(second).get(saved.id)).status).toBe(404);
    expect((await pen.on(second).restore(saved.id)).status).toBe(404);
    const outsider = new VersionsApi(server, await signInOutsider(server), server.actionPlanId());
    expect((await outsider.get(saved.id)).status).toBe(404);
    expect((await outsider.list()).status).toBe(404);
    expect((await outsider.save({ label: 'Intruder' })).status).toBe(404);
  });

  it('restores only for the pen-holder (drafter 403, pen-holder 204), unknown versions 404', async () => {
    const [latest] = expectStatus(await pen.list(), 200);
    const target = latest?.id ?? '';
    expect((await drafter.restore(target)).status).toBe(403);
    expect((await commenter.restore(target)).status).toBe(403);
    expect((await observer.restore(target)).status).toBe(403);
    expect((await pen.restore('no-such-version')).status).toBe(404);
    expect((await pen.restore(target)).status).toBe(204);
  });

  it('versions are immutable: no route changes one, and later edits leave it as it was', async () => {
    const saved = await pen.saveOk('Frozen');
    const before = expectStatus(await pen.get(saved.id), 200);
    const path = `/api/documents/${pen.documentId}/versions/${saved.id}`;
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const answer = await pen.request(method, path, { label: 'Changed' });
      expect(answer.status, method).toBe(404);
    }
    expect((await pen.request('POST', path, { label: 'Changed' })).status).toBe(404);

    appendToClause(client.doc, ids[0] ?? '', ' [edited after freezing]');
    deleteClause(client.doc, ids[1] ?? '');
    await storedWith(server, '[edited after freezing]');
    await pen.saveOk('Later');

    const after = expectStatus(await pen.get(saved.id), 200);
    expect(after).toEqual(before);
    const listed = expectStatus(await pen.list(), 200).find((version) => version.id === saved.id);
    expect(listed).toEqual(stripDetail(before));
    const state = docFromState(after.state);
    expect(contentOf(state)).not.toContain('[edited after freezing]');
    expect(Y.encodeStateVector(state)).toEqual(Y.encodeStateVector(docFromState(before.state)));
    state.destroy();
  });
});

function stripDetail(detail: Awaited<ReturnType<VersionsApi['get']>>['body']): VersionSummary {
  const { state, structure, negotiation, ...summary } = detail;
  return summary;
}
