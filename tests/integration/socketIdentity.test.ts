/**
 * A collaboration socket opened for one person (`?as=<userId>`) never carries
 * changes under another person's name: when the browser's session cookie now
 * belongs to someone else (another tab signed in as another user), the server
 * closes the socket with 4401 before any document byte is exchanged, and what
 * the socket sends is neither stored nor relayed (adversarial review, issue 12).
 */
import { CloseCode, COLLAB_USER_PARAM } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clauseParagraphText } from '../support/collabClient';
import { loadStoredDoc, openRawSocket, syncUpdateMessage, updateFrom } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { storedContent } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

describe('a socket opened for one user, with another user’s session', () => {
  let server: TestServer;
  let documentId: string;
  const userId = (email: string) => server.server.repositories.users.findByEmail(email)?.profile.id ?? '';

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('is closed with 4401 before any sync, and its change is not stored', async () => {
    const czech = await server.signIn(DEMO.czechDrafter);
    const forHungary = `${documentId}?${COLLAB_USER_PARAM}=${encodeURIComponent(userId(DEMO.hungarianDrafter))}`;
    const socket = await openRawSocket(server.wsUrl, forHungary, czech.cookie);
    const base = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    // The Hungarian drafter's unsent words, on a socket that carries the Czech drafter's cookie.
    socket.send(
      syncUpdateMessage(updateFrom(base, (doc) => clauseParagraphText(doc, 0).insert(0, '[HU-UNSENT] '))),
    );
    expect(await socket.closed).toBe(CloseCode.Unauthenticated);
    expect(socket.messages).toHaveLength(0);
    expect(storedContent(server, documentId)).not.toContain('[HU-UNSENT]');
    base.destroy();
  });

  it('is served as usual when the session is the named user’s own', async () => {
    const czech = await server.signIn(DEMO.czechDrafter);
    const forCzech = `${documentId}?${COLLAB_USER_PARAM}=${encodeURIComponent(userId(DEMO.czechDrafter))}`;
    const socket = await openRawSocket(server.wsUrl, forCzech, czech.cookie);
    await socket.requestFullState();
    const base = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    socket.send(
      syncUpdateMessage(updateFrom(base, (doc) => clauseParagraphText(doc, 0).insert(0, '[CZ-OWN] '))),
    );
    await waitFor(() => storedContent(server, documentId).includes('[CZ-OWN]'), {
      what: 'the Czech edit stored',
    });
    expect(socket.closeCode).toBeUndefined();
    socket.close();
    base.destroy();
  });
});
