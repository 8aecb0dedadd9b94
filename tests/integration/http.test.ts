import {
  CloseCode,
  DEFAULT_MAX_MESSAGE_BYTES,
  type DocumentDetail,
  type DocumentSummary,
} from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clauseParagraphText, connectClient, contentOf } from '../support/collabClient';
import { loadStoredDoc, openRawSocket } from '../support/rawCollab';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const MAX_REQUEST_BODY_BYTES = 8 * 1024;

describe('HTTP API', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ maxRequestBodyBytes: MAX_REQUEST_BODY_BYTES });
  });
  afterAll(async () => {
    await server.dispose();
  });

  function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  }

  async function expectApiError(
    response: Response,
    status: number,
  ): Promise<{ error: string; message: string }> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: string; message: string };
    expect(typeof body.error).toBe('string');
    expect(body.message.length).toBeGreaterThan(0);
    return body;
  }

  it('signs in with the right password and returns the profile with session and CSRF cookies', async () => {
    const response = await post(
      '/api/session',
      JSON.stringify({ email: DEMO.penHolder, password: DEMO_PASSWORD }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      user: { email: string; name: string; participant: { code: string } };
    };
    expect(body.user).toMatchObject({
      email: DEMO.penHolder,
      name: 'Anna Nowak',
      participant: { code: 'PL' },
    });
    expect(body.user).not.toHaveProperty('passwordHash');

    const setCookies = response.headers.getSetCookie();
    const session = setCookies.find((cookie) => cookie.startsWith('draftroom_session='));
    const csrf = setCookies.find((cookie) => cookie.startsWith('draftroom_csrf='));
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=Lax/i);
    expect(session).toMatch(/;\s*Path=\//i);
    expect(csrf).toBeDefined();
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toMatch(/;\s*SameSite=Lax/i);
  });

  it('refuses a wrong password or an unknown email with 401 {error, message}', async () => {
    const wrong = await post(
      '/api/session',
      JSON.stringify({ email: DEMO.penHolder, password: 'wrong-password' }),
    );
    const wrongBody = await expectApiError(wrong, 401);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const unknown = await post(
      '/api/session',
      JSON.stringify({ email: 'nobody@nowhere.example', password: 'x' }),
    );
    const unknownBody = await expectApiError(unknown, 401);
    // The same answer, so it does not reveal which accounts exist.
    expect(unknownBody).toEqual(wrongBody);
  });

  it('answers 400 to a body that is not JSON and to missing or invalid fields', async () => {
    await expectApiError(await post('/api/session', '{"email": "anna.nowak@pl.example",'), 400);
    await expectApiError(await post('/api/session', JSON.stringify({ email: DEMO.penHolder })), 400);
    await expectApiError(await post('/api/session', JSON.stringify({ password: DEMO_PASSWORD })), 400);
    await expectApiError(
      await post('/api/session', JSON.stringify({ email: 'not-an-email', password: 'x' })),
      400,
    );
  });

  it('answers 413 to a body larger than maxRequestBodyBytes', async () => {
    const body = JSON.stringify({ email: DEMO.penHolder, password: 'x'.repeat(MAX_REQUEST_BODY_BYTES * 2) });
    await expectApiError(await post('/api/session', body), 413);
  });

  it('GET /api/me returns the signed-in user, and 401 without a cookie', async () => {
    const { cookie } = await server.signIn(DEMO.observer);
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe(DEMO.observer);
    await expectApiError(await fetch(`${server.url}/api/me`), 401);
  });

  it('signs out with DELETE /api/session and the CSRF header: 204, then /api/me is 401', async () => {
    const { cookie, csrfToken } = await server.signIn(DEMO.hungarianDrafter);
    const response = await fetch(`${server.url}/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(response.status).toBe(204);
    await expectApiError(await fetch(`${server.url}/api/me`, { headers: { cookie } }), 401);
  });

  it('refuses DELETE /api/session with the session cookie but without or with a wrong X-CSRF-Token (403)', async () => {
    const { cookie, csrfToken } = await server.signIn(DEMO.czechDrafter);
    await expectApiError(
      await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: { cookie } }),
      403,
    );
    await expectApiError(
      await fetch(`${server.url}/api/session`, {
        method: 'DELETE',
        headers: { cookie, 'x-csrf-token': 'forged' },
      }),
      403,
    );
    // The session is still valid.
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(200);
    expect(csrfToken.length).toBeGreaterThan(0);
  });

  it('refuses a state-changing request from a foreign Origin (403)', async () => {
    const response = await post(
      '/api/session',
      JSON.stringify({ email: DEMO.penHolder, password: DEMO_PASSWORD }),
      {
        origin: 'https://evil.example',
      },
    );
    await expectApiError(response, 403);
  });

  it("lists the Action Plan with the user's role", async () => {
    const list = async (email: string) => {
      const { cookie } = await server.signIn(email);
      const response = await fetch(`${server.url}/api/documents`, { headers: { cookie } });
      expect(response.status).toBe(200);
      return (await response.json()) as DocumentSummary[];
    };
    const penHolderDocs = await list(DEMO.penHolder);
    expect(penHolderDocs).toHaveLength(1);
    expect(penHolderDocs[0]).toMatchObject({ id: server.actionPlanId(), role: 'pen-holder' });
    expect(penHolderDocs[0]?.title).toMatch(/^Action Plan/);
    expect(penHolderDocs[0]?.process.name).toBe('Prague Process');
    const observerDocs = await list(DEMO.observer);
    expect(observerDocs.map((doc) => [doc.id, doc.role])).toEqual([[server.actionPlanId(), 'observer']]);
    await expectApiError(await fetch(`${server.url}/api/documents`), 401);
  });

  it('GET /api/documents/:id gives the detail, and 404 for an unknown id', async () => {
    const { cookie } = await server.signIn(DEMO.commenter);
    const detail = await fetch(`${server.url}/api/documents/${server.actionPlanId()}`, {
      headers: { cookie },
    });
    expect(detail.status).toBe(200);
    const body = (await detail.json()) as DocumentDetail;
    expect(body.role).toBe('commenter');
    // The client keeps its frames under the server's limit (issue 12: no 1009 loop).
    expect(body.limits.maxMessageBytes).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(body.participants.map((participant) => participant.code)).toEqual(
      expect.arrayContaining(['PL', 'UA', 'UNHCR']),
    );
    await expectApiError(
      await fetch(`${server.url}/api/documents/no-such-document`, { headers: { cookie } }),
      404,
    );
  });

  it('answers unknown API routes with 404 JSON', async () => {
    const body = await expectApiError(await fetch(`${server.url}/api/nope`), 404);
    expect(body.error).toBe('not_found');
  });

  it('sends security headers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('GET /healthz answers 200 {status: "ok"} with its dependencies (alone: the SQLite file)', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', dependencies: { sqlite: 'up' } });
  });
});

describe('graceful stop', () => {
  it('closes open WebSocket connections with 1001 (going away) and flushes their edits', async () => {
    const server = await startTestServer();
    const documentId = server.actionPlanId();
    const { cookie } = await server.signIn(DEMO.penHolder);
    const raw = await openRawSocket(server.wsUrl, documentId, cookie);
    const client = connectClient(server.wsUrl, documentId, cookie);
    try {
      await waitFor(() => client.provider.synced, { what: 'provider synced' });
      await raw.requestFullState();
      clauseParagraphText(client.doc, 0).insert(0, '[before-stop]');
      await waitFor(() => contentOf(raw.doc).includes('[before-stop]'), { what: 'edit relayed' });
      await server.server.stop();

      expect(await raw.closed).toBe(CloseCode.GoingAway);
      await waitFor(() => client.closeCodes.length > 0, { what: 'provider closed' });
      expect(client.closeCodes[0]).toBe(CloseCode.GoingAway);
      expect(server.server.collab.rooms.size).toBe(0);

      // Stopping flushed (compacted) the open document: it reopens with the edit and no pending updates.
      client.provider.disconnect();
      await server.start();
      expect(server.server.repositories.documentStorage.countUpdates(documentId)).toBe(0);
      const stored = loadStoredDoc(server.server.repositories.documentStorage, documentId);
      expect(contentOf(stored)).toBe(contentOf(raw.doc));
      stored.destroy();
    } finally {
      client.destroy();
      raw.close();
      await server.dispose();
    }
  });
});
