import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

describe('live co-editing', () => {
  let server: TestServer;
  const clients: CollabClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await server.dispose();
  });

  it('two clients converge under concurrent typing', async () => {
    const documentId = server.actionPlanId();
    const a = await connectSynced(server.wsUrl, documentId, (await server.signIn(DEMO.penHolder)).cookie);
    const b = await connectSynced(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    clients.push(a, b);
    for (let i = 0; i < 20; i++) {
      clauseParagraphText(a.doc, 0).insert(0, `<a${i}>`);
      const text = clauseParagraphText(b.doc, 0);
      text.insert(text.length, `<b${i}>`);
    }
    await waitFor(
      () =>
        contentOf(a.doc) === contentOf(b.doc) &&
        contentOf(a.doc).includes('<a19>') &&
        contentOf(a.doc).includes('<b19>'),
      {
        what: 'convergence',
      },
    );
    const text = clauseParagraphText(a.doc, 0).toString();
    for (let i = 0; i < 20; i++) {
      expect(text.split(`<a${i}>`).length - 1).toBe(1);
      expect(text.split(`<b${i}>`).length - 1).toBe(1);
    }
  });
});
