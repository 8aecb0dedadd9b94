/**
 * `PUBLIC_ORIGIN` is an origin, and browsers write origins one way: lower
 * case, no default port. Written otherwise in the configuration
 * (`https://Draftroom.example.org:443`) it used to refuse every browser; it
 * is now normalised when the configuration is loaded, and a value that is
 * not an origin is a configuration error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config';
import { openRawSocket } from '../support/rawCollab';
import { api } from '../support/securityHarness';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';

const BROWSER_ORIGIN = 'https://draftroom.example.org';

describe('PUBLIC_ORIGIN as written by hand', () => {
  let server: TestServer;

  beforeAll(async () => {
    const { publicOrigin } = loadConfig({ PUBLIC_ORIGIN: 'HTTPS://Draftroom.Example.org:443/' }, '');
    expect(publicOrigin).toBe(BROWSER_ORIGIN);
    server = await startTestServer({ publicOrigin });
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('accepts the browser’s Origin on state-changing requests and WebSocket upgrades, and still refuses others', async () => {
    const signIn = (origin: string) =>
      api(server, 'POST', '/api/session', {
        origin,
        body: { email: DEMO.observer, password: DEMO_PASSWORD },
      });
    expect((await signIn(BROWSER_ORIGIN)).status).toBe(200);
    expect((await signIn('https://evil.example')).status).toBe(403);
    const { cookie } = await server.signIn(DEMO.observer);
    const socket = await openRawSocket(server.wsUrl, server.actionPlanId(), cookie, {
      origin: BROWSER_ORIGIN,
    });
    socket.ws.terminate();
  });
});

describe('PUBLIC_ORIGIN that is not an origin', () => {
  it.each([
    'draftroom.example.org',
    'https://draftroom.example.org/app',
    'https://draftroom.example.org/?x=1',
    'ftp://draftroom.example.org',
    'https://user@draftroom.example.org',
  ])('refuses %s at start-up with a message naming the variable', (value) => {
    expect(() => loadConfig({ PUBLIC_ORIGIN: value }, '')).toThrow(/PUBLIC_ORIGIN: must be an origin/);
  });

  it('keeps an explicit non-default port and an empty value', () => {
    expect(loadConfig({ PUBLIC_ORIGIN: 'https://draftroom.example.org:8443' }, '').publicOrigin).toBe(
      'https://draftroom.example.org:8443',
    );
    expect(loadConfig({}, '').publicOrigin).toBe('');
  });
});
