import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptRefusedUpgrade, openRawSocket } from '../support/rawCollab';
import { type ApiOptions, api, userIdOf } from '../support/securityHarness';
import { DEMO, DEMO_PASSWORD, type SignedIn, startTestServer, type TestServer } from '../support/testServer';

const EVIL = 'https://evil.example';
const PUBLIC_ORIGIN = 'https://draftroom.example.org';

describe('cross-site WebSocket upgrades', () => {
  let server: TestServer;
  let configured: TestServer;
  let cookie: string;
  let configuredCookie: string;

  beforeAll(async () => {
    server = await startTestServer();
    configured = await startTestServer({ publicOrigin: PUBLIC_ORIGIN });
    cookie = (await server.signIn(DEMO.penHolder)).cookie;
    configuredCookie = (await configured.signIn(DEMO.penHolder)).cookie;
  });
  afterAll(async () => {
    await server?.dispose();
    await configured?.dispose();
  });

  const upgrade = (target: TestServer, headers: Record<string, string>) =>
    attemptRefusedUpgrade(`${target.wsUrl}/collab/${target.actionPlanId()}`, headers);

  it('refuses foreign, opaque and other-port origins with 403 before any WebSocket byte', async () => {
    const port = server.server.port;
    for (const origin of [EVIL, 'null', `http://127.0.0.1:${port + 1}`, `http://localhost:${port}`]) {
      const refused = await upgrade(server, { cookie, origin });
      expect(refused, origin).toMatchObject({ status: 403, opened: false, messages: 0 });
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'forbidden' });
    }
  });

  it('accepts the origin of its own Host (no PUBLIC_ORIGIN) and clients that send no Origin', async () => {
    const variants: Record<string, string>[] = [{ origin: server.url }, {}];
    for (const headers of variants) {
      const socket = await openRawSocket(server.wsUrl, server.actionPlanId(), cookie, headers);
      await socket.requestFullState();
      expect(socket.closeCode).toBeUndefined();
      socket.close();
    }
  });

  it('with PUBLIC_ORIGIN configured: only that origin is accepted; the Host-derived one is refused', async () => {
    const socket = await openRawSocket(configured.wsUrl, configured.actionPlanId(), configuredCookie, {
      origin: PUBLIC_ORIGIN,
    });
    await socket.requestFullState();
    socket.close();
    for (const origin of [configured.url, EVIL, 'https://draftroom.example.org.evil.example']) {
      const refused = await upgrade(configured, { cookie: configuredCookie, origin });
      expect(refused, origin).toMatchObject({ status: 403, opened: false, messages: 0 });
    }
  });

  it('checks the origin before the session: a foreign origin without a cookie is 403 too, not 401', async () => {
    expect((await upgrade(server, { origin: EVIL })).status).toBe(403);
  });
});

describe('cross-site REST requests (CSRF double submit and Origin)', () => {
  let server: TestServer;
  let configured: TestServer;
  let admin: SignedIn;
  let attacker: SignedIn;
  let documentId: string;
  let victimId: string;

  beforeAll(async () => {
    server = await startTestServer();
    configured = await startTestServer({ publicOrigin: PUBLIC_ORIGIN });
    documentId = server.actionPlanId();
    admin = await server.signIn(DEMO.admin);
    attacker = await server.signIn(DEMO.commenter);
    victimId = userIdOf(server, DEMO.observer);
  });
  afterAll(async () => {
    await server?.dispose();
    await configured?.dispose();
  });

  const roleOf = () => server.server.repositories.documents.findAccessible(documentId, victimId)?.role;
  const passwordHashOf = (email: string) => server.server.repositories.users.findByEmail(email)?.passwordHash;
  const sessionValid = async (session: SignedIn) =>
    (await api(server, 'GET', '/api/me', { session })).status === 200;

  /** Forgeries of one signed-in request: each must be 403 with a JSON error. */
  function forgeries(session: SignedIn): [string, ApiOptions][] {
    return [
      ['no X-CSRF-Token', { session, csrf: null }],
      ['a wrong X-CSRF-Token', { session, csrf: 'forged-token' }],
      ["the attacker's own valid token", { session, csrf: attacker.csrfToken }],
      [
        'header and cookie both set to an attacker-chosen value',
        {
          session,
          csrf: 'chosen',
          cookie: `${session.cookie.replace(/draftroom_csrf=[^;]*/, '')}; draftroom_csrf=chosen`,
        },
      ],
      ['the right token from a foreign Origin', { session, origin: EVIL }],
      ['the right token from an opaque Origin', { session, origin: 'null' }],
    ];
  }

  async function expectAllRefused(method: string, path: string, session: SignedIn, body?: unknown) {
    for (const [what, options] of forgeries(session)) {
      const answer = await api(server, method, path, { ...options, body });
      expect(answer.status, what).toBe(403);
      expect(answer.body, what).toMatchObject({ error: 'forbidden' });
    }
  }

  it('DELETE /api/session: forged requests are refused and the session stays valid', async () => {
    const victim = await server.signIn(DEMO.observer);
    await expectAllRefused('DELETE', '/api/session', victim);
    expect(await sessionValid(victim)).toBe(true);
    expect((await api(server, 'DELETE', '/api/session', { session: victim })).status).toBe(204);
    expect(await sessionValid(victim)).toBe(false);
  });

  it("PUT /api/admin/documents/:id/roles/:userId: forged requests with the admin's cookie change no role", async () => {
    const path = `/api/admin/documents/${documentId}/roles/${victimId}`;
    await expectAllRefused('PUT', path, admin, { role: 'pen-holder' });
    expect(roleOf()).toBe('observer');
    expect(server.server.repositories.documents.listUserRoles(documentId)).not.toContainEqual(
      expect.objectContaining({ userId: victimId, explicitRole: 'pen-holder' }),
    );
    expect((await api(server, 'PUT', path, { session: admin, body: { role: 'commenter' } })).status).toBe(
      204,
    );
    expect(roleOf()).toBe('commenter');
  });

  it('POST /api/me/password: forged requests leave the password unchanged', async () => {
    const victim = await server.signIn(DEMO.penHolder);
    const hashBefore = passwordHashOf(DEMO.penHolder);
    const body = { currentPassword: DEMO_PASSWORD, newPassword: 'chosen-by-the-attacker' };
    await expectAllRefused('POST', '/api/me/password', victim, body);
    expect(passwordHashOf(DEMO.penHolder)).toBe(hashBefore);
    const signIn = await api(server, 'POST', '/api/session', {
      body: { email: DEMO.penHolder, password: DEMO_PASSWORD },
    });
    expect(signIn.status).toBe(200);
  });

  it('POST /api/admin/users: a forged request cannot create an administrator', async () => {
    const participantId = server.server.repositories.participants.findByCode('HU')?.id;
    const body = {
      email: 'mallory@x.example',
      name: 'Mallory',
      participantId,
      password: 'long-enough-1',
      isAdmin: true,
    };
    await expectAllRefused('POST', '/api/admin/users', admin, body);
    expect(server.server.repositories.users.findByEmail('mallory@x.example')).toBeUndefined();
  });

  it('a sign-in POST from a foreign Origin is refused (login CSRF) and sets no cookie', async () => {
    const answer = await api(server, 'POST', '/api/session', {
      origin: EVIL,
      body: { email: DEMO.penHolder, password: DEMO_PASSWORD },
    });
    expect(answer.status).toBe(403);
    expect(answer.headers.getSetCookie()).toEqual([]);
  });

  it('with PUBLIC_ORIGIN configured: the Host-derived origin is refused, the configured one accepted', async () => {
    const session = await configured.signIn(DEMO.observer);
    const viaHost = await api(configured, 'DELETE', '/api/session', { session, origin: configured.url });
    expect(viaHost.status).toBe(403);
    expect((await api(configured, 'GET', '/api/me', { session })).status).toBe(200);
    const viaPublic = await api(configured, 'DELETE', '/api/session', { session, origin: PUBLIC_ORIGIN });
    expect(viaPublic.status).toBe(204);
    expect((await api(configured, 'GET', '/api/me', { session })).status).toBe(401);
  });

  it('safe methods need no token: GET with a foreign Origin reads (CORS keeps the answer from the page)', async () => {
    const answer = await api(server, 'GET', '/api/me', { session: admin, origin: EVIL });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});
