import { CloseCode } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSynced } from '../support/collabClient';
import { DEMO, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

describe('changing one’s password', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('keeps the current session and signs out every other one, sockets included', async () => {
    const documentId = server.actionPlanId();
    const laptop = await server.signIn(DEMO.czechDrafter);
    const hotelPc = await server.signIn(DEMO.czechDrafter);
    const laptopClient = await connectSynced(server.wsUrl, documentId, laptop.cookie);
    const hotelClient = await connectSynced(server.wsUrl, documentId, hotelPc.cookie);

    const response = await fetch(`${server.url}/api/me/password`, {
      method: 'POST',
      headers: {
        cookie: laptop.cookie,
        'x-csrf-token': laptop.csrfToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ currentPassword: DEMO_PASSWORD, newPassword: 'a much longer passphrase' }),
    });
    expect(response.status).toBe(204);

    await waitFor(() => hotelClient.closeCodes.includes(CloseCode.Unauthenticated), {
      what: 'the other session’s socket closed with 4401',
    });
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie: hotelPc.cookie } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie: laptop.cookie } })).status).toBe(200);
    expect(laptopClient.closeCodes).toEqual([]);
    expect(laptopClient.provider.wsconnected).toBe(true);
    laptopClient.destroy();
    hotelClient.destroy();
  });
});
