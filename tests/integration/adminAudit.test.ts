import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/src/audit/auditLog';
import { hashAuditEntry } from '../../server/src/audit/auditLog';
import { clauseParagraphText } from '../support/collabClient';
import { openRawSocket, syncUpdateMessage, updateFrom } from '../support/rawCollab';
import { api, userIdOf } from '../support/securityHarness';
import { DEMO, DEMO_PASSWORD, type SignedIn, startTestServer, type TestServer } from '../support/testServer';

const CLIENT_IP = '198.51.100.23';

describe('audit log over the admin API', () => {
  let server: TestServer;
  let admin: SignedIn;
  let documentId: string;
  let startedAt: string;

  beforeAll(async () => {
    startedAt = new Date().toISOString();
    server = await startTestServer();
    documentId = server.actionPlanId();
    admin = await server.signIn(DEMO.admin);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  async function auditEntries(limit = 500): Promise<AuditEntry[]> {
    const answer = await api(server, 'GET', `/api/admin/audit?limit=${limit}`, { session: admin });
    expect(answer.status).toBe(200);
    return answer.body as AuditEntry[];
  }

  /** The newest entry with `action` (and matching `where`), checked to be well-formed and recent. */
  async function newest(action: string, where: (entry: AuditEntry) => boolean = () => true) {
    const entry = (await auditEntries()).find((e) => e.action === action && where(e));
    expect(entry, `an audit entry ${action}`).toBeDefined();
    if (!entry) throw new Error('unreachable');
    expect(entry.at >= startedAt && entry.at <= new Date().toISOString()).toBe(true);
    expect(entry.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    return entry;
  }

  const signIn = (email: string, password: string, ip = CLIENT_IP) =>
    api(server, 'POST', '/api/session', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

  it('records a sign-in and a refused sign-in with who and from where', async () => {
    expect((await signIn(DEMO.penHolder, DEMO_PASSWORD)).status).toBe(200);
    expect((await signIn(DEMO.observer, 'not-the-password', '198.51.100.24')).status).toBe(401);
    const signedIn = await newest('sign-in', (e) => e.actorEmail === DEMO.penHolder);
    expect(signedIn).toMatchObject({ actorUserId: userIdOf(server, DEMO.penHolder), ip: CLIENT_IP });
    const refused = await newest('sign-in-refused', (e) => e.actorEmail === DEMO.observer);
    expect(refused).toMatchObject({ actorUserId: null, target: DEMO.observer, ip: '198.51.100.24' });
    expect(JSON.stringify(refused)).not.toContain('not-the-password');
  });

  it('records a lock-out as sign-in-locked with the wait', async () => {
    for (let i = 0; i < 5; i++) await signIn(DEMO.czechDrafter, `wrong-${i}`, '198.51.100.25');
    const locked = await signIn(DEMO.czechDrafter, DEMO_PASSWORD, '198.51.100.25');
    expect(locked.status).toBe(429);
    const entry = await newest('sign-in-locked', (e) => e.target === DEMO.czechDrafter);
    expect(entry).toMatchObject({
      ip: '198.51.100.25',
      detail: { retryAfterSeconds: locked.body.retryAfterSeconds },
    });
  });

  it('records a role change with the administrator, the user, the document and the new role', async () => {
    const target = userIdOf(server, DEMO.commenter);
    const path = `/api/admin/documents/${documentId}/roles/${target}`;
    const answer = await api(server, 'PUT', path, {
      session: admin,
      body: { role: 'observer' },
      headers: { 'x-forwarded-for': CLIENT_IP },
    });
    expect(answer.status).toBe(204);
    const entry = await newest('role-changed', (e) => e.target === DEMO.commenter);
    expect(entry).toMatchObject({
      actorEmail: DEMO.admin,
      actorUserId: userIdOf(server, DEMO.admin),
      ip: CLIENT_IP,
      detail: { documentId, role: 'observer' },
    });
  });

  it('records refused REST requests: a non-admin on an admin route, and a missing CSRF token', async () => {
    const commenter = await server.signIn(DEMO.commenter);
    expect((await api(server, 'GET', '/api/admin/users', { session: commenter })).status).toBe(403);
    const adminRoute = await newest('refused', (e) => e.target === '/api/admin/users');
    expect(adminRoute).toMatchObject({ actorEmail: DEMO.commenter, detail: { method: 'GET' } });
    expect((await api(server, 'DELETE', '/api/session', { session: commenter, csrf: null })).status).toBe(
      403,
    );
    const csrf = await newest('refused', (e) => e.target === '/api/session');
    expect(csrf).toMatchObject({
      actorEmail: DEMO.commenter,
      detail: { method: 'DELETE', why: expect.stringMatching(/CSRF/) },
    });
  });

  /** An observer sends an edit over a raw socket (with `headers`); returns its audit entry. */
  async function refusedEdit(headers: Record<string, string> = {}): Promise<AuditEntry> {
    const { cookie } = await server.signIn(DEMO.observer);
    const socket = await openRawSocket(server.wsUrl, documentId, cookie, headers);
    await socket.requestFullState();
    const before = (await auditEntries()).length;
    socket.send(
      syncUpdateMessage(updateFrom(socket.doc, (doc) => clauseParagraphText(doc, 0).insert(0, '[x]'))),
    );
    expect(await socket.closed).toBe(CloseCode.Forbidden);
    expect((await auditEntries()).length).toBe(before + 1);
    return newest('refused', (e) => e.target === documentId);
  }

  it('records a refused WebSocket action with the user, the document, the reason and the address', async () => {
    const entry = await refusedEdit();
    expect(entry).toMatchObject({
      actorEmail: DEMO.observer,
      actorUserId: userIdOf(server, DEMO.observer),
      target: documentId,
      detail: { role: 'observer', why: expect.stringMatching(/may not change the text/) },
    });
    expect(entry.ip).toMatch(/127\.0\.0\.1$/);
  });

  it('behind a loopback reverse proxy, a refused WebSocket action is audited with the client address, as REST is', async () => {
    const entry = await refusedEdit({ 'x-forwarded-for': '198.51.100.99' });
    expect(entry.ip).toBe('198.51.100.99');
  });

  it('verifies the intact chain: ok, with every entry counted', async () => {
    const count = (server.server.db.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n;
    const answer = await api(server, 'GET', '/api/admin/audit/verify', { session: admin });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ok: true,
      entries: count,
      checkpoint: expect.objectContaining({ seq: expect.any(Number) }),
    });
  });

  it('names the first tampered entry: edited content, then a re-hashed edit, then a deleted row', async () => {
    const verify = async () => (await api(server, 'GET', '/api/admin/audit/verify', { session: admin })).body;
    const { db } = server.server;
    const victim = await newest('sign-in-refused', (e) => e.actorEmail === DEMO.observer);
    const ids = (db.prepare('SELECT id FROM audit_log ORDER BY id').all() as { id: number }[]).map(
      (r) => r.id,
    );
    const next = ids[ids.indexOf(victim.id) + 1];

    db.prepare('UPDATE audit_log SET detail = ? WHERE id = ?').run('{"note":"nothing happened"}', victim.id);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenId: victim.id,
      why: expect.stringMatching(/content/),
    });

    // A forger who also recomputes that entry's hash (the public rule) cannot remake its MAC without the key.
    const row = db.prepare('SELECT * FROM audit_log WHERE id = ?').get(victim.id) as Parameters<
      typeof hashAuditEntry
    >[0];
    db.prepare('UPDATE audit_log SET hash = ? WHERE id = ?').run(hashAuditEntry(row), victim.id);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenId: victim.id,
      why: expect.stringMatching(/MAC does not match/),
    });

    // A deleted entry is named as missing (the earlier damage is gone with it), not the next one as broken.
    db.prepare('DELETE FROM audit_log WHERE id = ?').run(victim.id);
    expect(await verify()).toMatchObject({
      ok: false,
      firstBrokenId: victim.id,
      why: `entry ${victim.id} is missing`,
    });
    expect(next).toBe(victim.id + 1);
  });

  it('caps the page size at 500; a negative limit gets the default page', async () => {
    for (let i = 0; i < 520; i++)
      server.server.audit.record('refused', { email: 'filler@x.example' }, `filler-${i}`);
    expect(await auditEntries(1000)).toHaveLength(500);
    expect(await auditEntries(-1)).toHaveLength(100); // not a limit: the default page
  });
});
