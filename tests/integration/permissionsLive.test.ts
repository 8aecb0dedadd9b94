import { CloseCode, MessageType, type ServerNotice } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CollabClient, clauseParagraphText, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import {
  attemptRefusedUpgrade,
  loadStoredDoc,
  openRawSocket,
  type RawCollabSocket,
} from '../support/rawCollab';
import { api, EditBarrier, storedRowsDigest, userIdOf } from '../support/securityHarness';
import { DEMO, DEMO_PASSWORD, type SignedIn, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** "Within seconds": how long a role change may take to reach an open connection. */
const LIVE_DEADLINE_MS = 3_000;

interface LiveClient extends CollabClient {
  notices: ServerNotice[];
}

describe('live role changes of a connected y-websocket provider', () => {
  let server: TestServer;
  let documentId: string;
  let admin: SignedIn;
  let drafterId: string;
  let penHolder: CollabClient;
  let watcher: RawCollabSocket;
  let barrier: EditBarrier;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    admin = await server.signIn(DEMO.admin);
    drafterId = userIdOf(server, DEMO.hungarianDrafter);
    penHolder = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    watcher = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.observer)).cookie);
    await watcher.requestFullState();
    barrier = new EditBarrier(penHolder, watcher);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    watcher?.close();
    penHolder?.destroy();
    await server?.dispose();
  });

  /** The Hungarian drafter's stock provider (own presence only), recording Draftroom notices (type 8). */
  async function connectDrafter(cookie?: string): Promise<LiveClient> {
    const session = cookie ?? (await server.signIn(DEMO.hungarianDrafter)).cookie;
    const client = (await connectWellBehaved(server.wsUrl, documentId, session)) as LiveClient;
    client.notices = [];
    client.provider.messageHandlers[MessageType.Notice] = (_encoder, decoder) => {
      client.notices.push(JSON.parse(decoding.readVarString(decoder)) as ServerNotice);
    };
    clients.push(client);
    return client;
  }

  async function setRole(role: string | null): Promise<void> {
    const path = `/api/admin/documents/${documentId}/roles/${drafterId}`;
    const answer = await api(server, 'PUT', path, { session: admin, body: { role } });
    expect(answer.status).toBe(204);
  }

  async function expectRoleNotice(client: LiveClient, role: string): Promise<ServerNotice> {
    const started = Date.now();
    const notice = await waitFor(
      () => client.notices.find((n) => n.kind === 'role-changed' && n.role === role),
      { timeoutMs: LIVE_DEADLINE_MS, what: `role-changed notice (${role})` },
    );
    expect(Date.now() - started).toBeLessThan(LIVE_DEADLINE_MS);
    return notice;
  }

  const storedContains = async (token: string) => {
    await barrier.pass();
    const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    const found = contentOf(doc).includes(token);
    doc.destroy();
    return found;
  };

  it('demoted to observer: a role-changed notice, then its next edit is refused with 4403 and not stored', async () => {
    const drafter = await connectDrafter();
    clauseParagraphText(drafter.doc, 0).insert(0, '[while-drafter]');
    await waitFor(() => contentOf(watcher.doc).includes('[while-drafter]'), { what: 'drafter edit relayed' });

    await setRole('observer');
    const notice = await expectRoleNotice(drafter, 'observer');
    expect(notice).toMatchObject({ kind: 'role-changed', role: 'observer' });
    expect(notice.kind === 'role-changed' && notice.message).toMatch(/Observer.*read-only/);
    expect(drafter.closeCodes).toEqual([]);

    await barrier.pass();
    const before = storedRowsDigest(server, documentId);
    const mark = barrier.mark();
    clauseParagraphText(drafter.doc, 0).insert(0, '[after-demotion]');
    await waitFor(() => drafter.closeCodes.length > 0, { what: 'demoted drafter closed' });
    expect(drafter.closeCodes[0]).toBe(CloseCode.Forbidden);
    expect(drafter.notices).toContainEqual(
      expect.objectContaining({ kind: 'refused', closeCode: CloseCode.Forbidden }),
    );
    expect(storedRowsDigest(server, documentId)).toBe(before);
    const { updates } = await barrier.relayedSince(mark);
    expect(updates).toHaveLength(1);
    expect(contentOf(watcher.doc)).not.toContain('[after-demotion]');
    expect(await storedContains('[after-demotion]')).toBe(false);
    expect(penHolder.closeCodes).toEqual([]);
  });

  it('promoted back (role cleared to the drafter default): told it can edit, and its edit is stored', async () => {
    const observer = await connectDrafter(); // still an observer on this document
    await setRole(null);
    const notice = await expectRoleNotice(observer, 'drafter');
    expect(notice.kind === 'role-changed' && notice.message).toMatch(/can edit the text/);
    clauseParagraphText(observer.doc, 1).insert(0, '[after-promotion]');
    await waitFor(() => contentOf(watcher.doc).includes('[after-promotion]'), { what: 'edit relayed' });
    expect(await storedContains('[after-promotion]')).toBe(true);
    expect(observer.closeCodes).toEqual([]);
  });

  it("a process-wide default role change reaches the participant's open connections", async () => {
    const drafter = await connectDrafter();
    const processId = server.server.repositories.processes.list()[0]?.id;
    const hungary = server.server.repositories.participants.findByCode('HU')?.id;
    const path = `/api/admin/processes/${processId}/participants/${hungary}`;
    const toCommenter = await api(server, 'PUT', path, {
      session: admin,
      body: { defaultRole: 'commenter' },
    });
    expect(toCommenter.status).toBe(204);
    await expectRoleNotice(drafter, 'commenter');
    const back = await api(server, 'PUT', path, { session: admin, body: { defaultRole: 'drafter' } });
    expect(back.status).toBe(204);
    await expectRoleNotice(drafter, 'drafter');
    expect(drafter.closeCodes).toEqual([]);
  });

  it('role set to none: the connection is closed with 4410 and cannot be reopened (404)', async () => {
    const { cookie } = await server.signIn(DEMO.hungarianDrafter);
    const drafter = await connectDrafter(cookie);
    const before = storedRowsDigest(server, documentId);
    await setRole('none');
    await waitFor(() => drafter.closeCodes.length > 0, { timeoutMs: LIVE_DEADLINE_MS, what: 'closed' });
    expect(drafter.closeCodes[0]).toBe(CloseCode.AccessRevoked);
    const refused = await attemptRefusedUpgrade(`${server.wsUrl}/collab/${documentId}`, { cookie });
    expect(refused).toMatchObject({ status: 404, opened: false, messages: 0 });
    expect(storedRowsDigest(server, documentId)).toBe(before);
    await setRole(null);
  });

  it('password reset by an administrator: closed with 4401, every session ended, the old password refused', async () => {
    const { cookie } = await server.signIn(DEMO.hungarianDrafter);
    const drafter = await connectDrafter(cookie);
    const reset = await api(server, 'POST', `/api/admin/users/${drafterId}/password-reset`, {
      session: admin,
    });
    expect(reset.status).toBe(200);
    await waitFor(() => drafter.closeCodes.length > 0, { timeoutMs: LIVE_DEADLINE_MS, what: 'closed' });
    expect(drafter.closeCodes[0]).toBe(CloseCode.Unauthenticated);
    expect((await api(server, 'GET', '/api/me', { cookie })).status).toBe(401);
    const refused = await attemptRefusedUpgrade(`${server.wsUrl}/collab/${documentId}`, { cookie });
    expect(refused.status).toBe(401);
    const signIn = (password: string) =>
      api(server, 'POST', '/api/session', { body: { email: DEMO.hungarianDrafter, password } });
    expect((await signIn(DEMO_PASSWORD)).status).toBe(401);
    expect((await signIn(reset.body.temporaryPassword)).status).toBe(200);
    expect(penHolder.closeCodes).toEqual([]);
  });
});
