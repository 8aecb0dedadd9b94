/**
 * `GET /api/session`, the app's "who am I" probe: a signed-out browser gets a
 * 200 with `user: null` (a 401 would be logged by the browser as an error on
 * every sign-in page), while `GET /api/me` stays 401 for API clients.
 */
import type { SessionResponse } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';

describe('GET /api/session', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function probe(cookie?: string): Promise<{ status: number; body: SessionResponse; cache: string }> {
    const response = await fetch(`${server.url}/api/session`, { headers: cookie ? { cookie } : {} });
    return {
      status: response.status,
      body: (await response.json()) as SessionResponse,
      cache: response.headers.get('cache-control') ?? '',
    };
  }

  it('answers a browser without a session with 200 and no user; /api/me stays 401', async () => {
    const answer = await probe();
    expect(answer).toEqual({ status: 200, body: { user: null }, cache: 'no-store' });
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401);
  });

  it('answers an unknown or forged session cookie with no user', async () => {
    const answer = await probe('draftroom_session=not-a-real-session-token');
    expect(answer.status).toBe(200);
    expect(answer.body.user).toBeNull();
  });

  it('names the signed-in user, and nobody once they signed out', async () => {
    const { cookie, csrfToken } = await server.signIn(DEMO.commenter);
    const signedIn = await probe(cookie);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user?.email).toBe(DEMO.commenter);
    expect(signedIn.body.user?.participant.code).toBe('UA');

    const signOut = await fetch(`${server.url}/api/session`, {
      method: 'DELETE',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(signOut.status).toBe(204);
    expect((await probe(cookie)).body.user).toBeNull();
  });
});
