import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clauseParagraphText, contentOf } from '../support/collabClient';
import {
  attemptRefusedUpgrade,
  loadStoredDoc,
  openRawSocket,
  type RawCollabSocket,
  syncUpdateMessage,
  updateFrom,
} from '../support/rawCollab';
import { type ApiAnswer, api, storedRowsDigest } from '../support/securityHarness';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const MAX_BODY = 2048;
const MAX_MESSAGE = 4096;
const LOCKOUT_SECONDS = 900;

function signIn(server: TestServer, email: string, password: string, ip?: string): Promise<ApiAnswer> {
  const headers: Record<string, string> = ip ? { 'x-forwarded-for': ip } : {};
  return api(server, 'POST', '/api/session', { body: { email, password }, headers });
}

/** A 429 that says when to retry: in the body, in Retry-After, and in words; and no session cookie. */
function expectLockedOut(answer: ApiAnswer, atMostSeconds: number): void {
  expect(answer.status).toBe(429);
  expect(answer.headers.getSetCookie()).toEqual([]);
  const seconds = answer.body.retryAfterSeconds as number;
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(atMostSeconds);
  expect(answer.headers.get('retry-after')).toBe(String(seconds));
  const when = seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  expect(answer.body).toMatchObject({ error: 'too_many_requests', message: expect.stringContaining(when) });
  expect(answer.body.message).toMatch(/try again in/i);
}

describe('limits', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer({
      maxRequestBodyBytes: MAX_BODY,
      maxMessageBytes: MAX_MESSAGE,
      maxConnectionsPerUser: 2,
      signInMaxFailuresPerAccount: 3,
      signInMaxFailuresPerIp: 1000,
      signInLockoutSeconds: LOCKOUT_SECONDS,
    });
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('answers 413 to a body above maxRequestBodyBytes, and the request has no effect', async () => {
    const admin = await server.signIn(DEMO.admin);
    const big = { code: 'BIG', name: 'x'.repeat(MAX_BODY), kind: 'state' };
    const answer = await api(server, 'POST', '/api/admin/participants', { session: admin, body: big });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: 'payload_too_large' });
    expect(server.server.repositories.participants.findByCode('BIG')).toBeUndefined();
    const small = { ...big, name: 'Just Right' };
    expect(
      (await api(server, 'POST', '/api/admin/participants', { session: admin, body: small })).status,
    ).toBe(201);
    const signInBody = { email: DEMO.penHolder, password: 'p'.repeat(MAX_BODY * 2) };
    expect((await api(server, 'POST', '/api/session', { body: signInBody })).status).toBe(413);
  });

  it('locks an account after signInMaxFailuresPerAccount failures: 429, and the right password is refused', async () => {
    expect((await signIn(server, DEMO.commenter, 'wrong-1')).status).toBe(401);
    expect((await signIn(server, DEMO.commenter, 'wrong-2')).status).toBe(401);
    expectLockedOut(await signIn(server, DEMO.commenter, 'wrong-3'), LOCKOUT_SECONDS);
    expectLockedOut(await signIn(server, DEMO.commenter, DEMO_PASSWORD), LOCKOUT_SECONDS);
    // Per account: another address, or another spelling of the address, does not help.
    expectLockedOut(await signIn(server, DEMO.commenter, DEMO_PASSWORD, '198.51.100.77'), LOCKOUT_SECONDS);
    expectLockedOut(await signIn(server, DEMO.commenter.toUpperCase(), DEMO_PASSWORD), LOCKOUT_SECONDS);
    // Other accounts from the same address are not locked.
    expect((await signIn(server, DEMO.observer, DEMO_PASSWORD)).status).toBe(200);
  });

  it('a successful sign-in forgets earlier failures of that account', async () => {
    expect((await signIn(server, DEMO.penHolder, 'wrong-1')).status).toBe(401);
    expect((await signIn(server, DEMO.penHolder, 'wrong-2')).status).toBe(401);
    expect((await signIn(server, DEMO.penHolder, DEMO_PASSWORD)).status).toBe(200);
    expect((await signIn(server, DEMO.penHolder, 'wrong-3')).status).toBe(401);
    expect((await signIn(server, DEMO.penHolder, DEMO_PASSWORD)).status).toBe(200);
  });

  describe('connections per user (maxConnectionsPerUser: 2)', () => {
    const url = () => `${server.wsUrl}/collab/${documentId}`;

    it('refuses the third upgrade with 429 and no WebSocket byte; closing one frees a slot', async () => {
      const { cookie } = await server.signIn(DEMO.hungarianDrafter);
      const first = await openRawSocket(server.wsUrl, documentId, cookie);
      const second = await openRawSocket(server.wsUrl, documentId, cookie);
      const third = await attemptRefusedUpgrade(url(), { cookie });
      expect(third).toMatchObject({ status: 429, opened: false, messages: 0 });
      expect(JSON.parse(third.body).message).toMatch(/too many open connections/);
      // A second sign-in of the same user shares the limit; another user does not.
      const again = await server.signIn(DEMO.hungarianDrafter);
      expect((await attemptRefusedUpgrade(url(), { cookie: again.cookie })).status).toBe(429);
      const other = await openRawSocket(
        server.wsUrl,
        documentId,
        (await server.signIn(DEMO.czechDrafter)).cookie,
      );
      first.close();
      await first.closed;
      const replacement = await waitFor(
        () => openRawSocket(server.wsUrl, documentId, cookie).catch(() => undefined),
        { what: 'a freed connection slot' },
      );
      expect((await attemptRefusedUpgrade(url(), { cookie })).status).toBe(429);
      for (const socket of [second, other, replacement]) socket.close();
    });

    it('names the 429 upgrade refusal like the REST API does: error "too_many_requests"', async () => {
      const { cookie } = await server.signIn(DEMO.czechDrafter);
      const open = [
        await openRawSocket(server.wsUrl, documentId, cookie),
        await openRawSocket(server.wsUrl, documentId, cookie),
      ];
      const refused = await attemptRefusedUpgrade(url(), { cookie });
      for (const socket of open) socket.close();
      expect(refused.status).toBe(429);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'too_many_requests' });
    });
  });

  describe('maxMessageBytes', () => {
    let socket: RawCollabSocket;

    it('accepts a valid update just under the limit', async () => {
      socket = await openRawSocket(server.wsUrl, documentId, (await server.signIn(DEMO.secretariat)).cookie);
      await socket.requestFullState();
      const text = `[fits]${'a'.repeat(MAX_MESSAGE - 200)}`;
      const message = syncUpdateMessage(
        updateFrom(socket.doc, (doc) => clauseParagraphText(doc, 2).insert(0, text)),
      );
      expect(message.length).toBeLessThanOrEqual(MAX_MESSAGE);
      socket.send(message);
      await waitFor(
        () =>
          contentOf(loadStoredDoc(server.server.repositories.documentStorage, documentId)).includes('[fits]'),
        {
          what: 'update stored',
        },
      );
      expect(socket.closeCode).toBeUndefined();
    });

    it('closes a frame above the limit with 1009, even a drafter’s valid update, and stores nothing', async () => {
      // The watcher keeps the document loaded, so the stored rows are not compacted when the socket closes.
      const watcher = await openRawSocket(
        server.wsUrl,
        documentId,
        (await server.signIn(DEMO.observer)).cookie,
      );
      await watcher.requestFullState();
      const before = storedRowsDigest(server, documentId);
      const text = `[too-big]${'b'.repeat(MAX_MESSAGE)}`;
      const update = updateFrom(socket.doc, (doc) => clauseParagraphText(doc, 2).insert(0, text));
      const message = syncUpdateMessage(update);
      expect(message.length).toBeGreaterThan(MAX_MESSAGE);
      socket.send(message);
      expect(await socket.closed).toBe(CloseCode.MessageTooBig);
      expect(storedRowsDigest(server, documentId)).toBe(before);
      expect(contentOf(watcher.doc)).toContain('[fits]');
      expect(contentOf(watcher.doc)).not.toContain('[too-big]');
      expect(watcher.closeCode).toBeUndefined();
      watcher.close();
    });
  });
});

describe('sign-in lockout per IP address', () => {
  let server: TestServer;
  const ATTACKER = '203.0.113.7';

  beforeAll(async () => {
    server = await startTestServer({
      signInMaxFailuresPerAccount: 1000,
      signInMaxFailuresPerIp: 3,
      signInLockoutSeconds: 2,
    });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('locks an address after signInMaxFailuresPerIp failures on any accounts, then lets it in again', async () => {
    expect((await signIn(server, DEMO.penHolder, 'guess', ATTACKER)).status).toBe(401);
    expect((await signIn(server, DEMO.commenter, 'guess', ATTACKER)).status).toBe(401);
    expectLockedOut(await signIn(server, 'nobody@nowhere.example', 'guess', ATTACKER), 2);
    // Even the right password of a fourth account is refused from that address…
    expectLockedOut(await signIn(server, DEMO.observer, DEMO_PASSWORD, ATTACKER), 2);
    // …while the same accounts can sign in from another address.
    expect((await signIn(server, DEMO.observer, DEMO_PASSWORD, '203.0.113.8')).status).toBe(200);
    expect((await signIn(server, DEMO.penHolder, DEMO_PASSWORD, '203.0.113.8')).status).toBe(200);
    // After the lock-out the address may try again (the refused attempts did not extend it).
    const answer = await waitFor(
      async () => {
        const attempt = await signIn(server, DEMO.observer, DEMO_PASSWORD, ATTACKER);
        return attempt.status === 200 ? attempt : undefined;
      },
      { timeoutMs: 6_000, intervalMs: 100, what: 'the lock-out to expire' },
    );
    expect(answer.status).toBe(200);
  });
});
