import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptRefusedUpgrade, openRawSocket } from '../support/rawCollab';
import { api } from '../support/securityHarness';
import { DEMO, DEMO_PASSWORD, type SignedIn, startTestServer, type TestServer } from '../support/testServer';

/** The origin is scheme, host and port: a plain-HTTP server's origin is never its https:// namesake. */
describe('an Origin with the right host and port but another scheme', () => {
  let server: TestServer;
  let penHolder: SignedIn;
  let httpsTwin: string;

  beforeAll(async () => {
    server = await startTestServer();
    penHolder = await server.signIn(DEMO.penHolder);
    httpsTwin = server.url.replace(/^http:/, 'https:');
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const signIn = (origin: string, headers: Record<string, string> = {}) =>
    api(server, 'POST', '/api/session', {
      origin,
      headers,
      body: { email: DEMO.observer, password: DEMO_PASSWORD },
    });

  it('refuses state-changing REST requests from https://<host:port> on the plain-HTTP server with 403', async () => {
    expect((await signIn(httpsTwin)).status).toBe(403);
    const statusChange = await api(server, 'DELETE', '/api/session', {
      session: penHolder,
      origin: httpsTwin,
    });
    expect(statusChange).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await api(server, 'GET', '/api/me', { session: penHolder })).status).toBe(200);
    const port = server.server.port;
    for (const origin of [
      `ws://127.0.0.1:${port}`,
      `https://127.0.0.1:${port}`,
      'null',
      'https://127.0.0.1',
    ]) {
      expect((await signIn(origin)).status, origin).toBe(403);
    }
  });

  it('accepts the same requests from the http:// origin (scheme and host compared case-insensitively)', async () => {
    expect((await signIn(server.url)).status).toBe(200);
    expect((await signIn(server.url.toUpperCase().replace('HTTP', 'http'))).status).toBe(200);
  });

  it('refuses the WebSocket upgrade from https://<host:port> with 403 and accepts it from http://<host:port>', async () => {
    const refused = await attemptRefusedUpgrade(`${server.wsUrl}/collab/${server.actionPlanId()}`, {
      cookie: penHolder.cookie,
      origin: httpsTwin,
    });
    expect(refused).toMatchObject({ status: 403, opened: false, messages: 0 });
    const socket = await openRawSocket(server.wsUrl, server.actionPlanId(), penHolder.cookie, {
      origin: server.url,
    });
    await socket.requestFullState();
    expect(socket.closeCode).toBeUndefined();
    socket.close();
  });

  it('behind a TLS-terminating proxy on the same machine (X-Forwarded-Proto: https) the https origin is the one accepted', async () => {
    const proxied = { 'x-forwarded-proto': 'https' };
    expect((await signIn(httpsTwin, proxied)).status).toBe(200);
    expect((await signIn(server.url, proxied)).status).toBe(403);
    const socket = await openRawSocket(server.wsUrl, server.actionPlanId(), penHolder.cookie, {
      origin: httpsTwin,
      ...proxied,
    });
    await socket.requestFullState();
    expect(socket.closeCode).toBeUndefined();
    socket.close();
    const refused = await attemptRefusedUpgrade(`${server.wsUrl}/collab/${server.actionPlanId()}`, {
      cookie: penHolder.cookie,
      origin: server.url,
      ...proxied,
    });
    expect(refused.status).toBe(403);
  });
});
