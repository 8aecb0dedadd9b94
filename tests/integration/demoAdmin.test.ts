import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptRefusedUpgrade } from '../support/rawCollab';
import { api } from '../support/securityHarness';
import { DEMO, type SignedIn, startTestServer, type TestServer } from '../support/testServer';

/** README: "Administrator manages processes, participants, users and roles and is not automatically on any document." */
describe('the demo administrator (ICMPD, whose process default role is drafter)', () => {
  let server: TestServer;
  let admin: SignedIn;

  beforeAll(async () => {
    server = await startTestServer();
    admin = await server.signIn(DEMO.admin);
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('is on no document: the Action Plan is not listed, answers 404, and its socket is refused with 404', async () => {
    const documentId = server.actionPlanId();
    expect(await api(server, 'GET', '/api/documents', { session: admin })).toMatchObject({
      status: 200,
      body: [],
    });
    expect((await api(server, 'GET', `/api/documents/${documentId}`, { session: admin })).status).toBe(404);
    const refused = await attemptRefusedUpgrade(`${server.wsUrl}/collab/${documentId}`, {
      cookie: admin.cookie,
    });
    expect(refused.status).toBe(404);
  });

  it('still administers the document (its roles), and the ICMPD secretariat officer is still a drafter', async () => {
    const documentId = server.actionPlanId();
    const roles = await api(server, 'GET', `/api/admin/documents/${documentId}/roles`, { session: admin });
    expect(roles.status).toBe(200);
    const secretariat = await server.signIn(DEMO.secretariat);
    const listed = await api(server, 'GET', '/api/documents', { session: secretariat });
    expect(listed.body).toEqual([expect.objectContaining({ id: documentId, role: 'drafter' })]);
  });
});
