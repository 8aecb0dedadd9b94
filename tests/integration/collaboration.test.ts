import type { PresenceUser } from '@draftroom/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CollabClient, clauseParagraphText, connectSynced, contentOf } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

describe('live co-editing', () => {
  let server: TestServer;
  const clients: CollabClient[] = [];

  /** A client that relays only its own presence, as the Draftroom client does. */
  async function join(email: string): Promise<CollabClient> {
    const cookie = (await server.signIn(email)).cookie;
    const client = await connectWellBehaved(server.wsUrl, server.actionPlanId(), cookie);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
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

  it('a late joiner receives the full document, equal to what the others have after their edits', async () => {
    const a = await join(DEMO.penHolder);
    const b = await join(DEMO.czechDrafter);
    for (let i = 0; i < 10; i++) {
      clauseParagraphText(a.doc, 1).insert(0, `[late-a${i}]`);
      clauseParagraphText(b.doc, 2).insert(0, `[late-b${i}]`);
    }
    await waitFor(
      () =>
        contentOf(a.doc) === contentOf(b.doc) &&
        contentOf(a.doc).includes('[late-a9]') &&
        contentOf(a.doc).includes('[late-b9]'),
      { what: 'a and b converged' },
    );

    const late = await join(DEMO.secretariat);

    expect(contentOf(late.doc)).toBe(contentOf(a.doc));
    expect(clauseParagraphText(late.doc, 1).toString()).toContain('[late-a0]');
    expect(clauseParagraphText(late.doc, 2).toString()).toContain('[late-b0]');
    // The late joiner then takes part like everyone else.
    clauseParagraphText(late.doc, 0).insert(0, '[late-joiner]');
    await waitFor(
      () => contentOf(a.doc) === contentOf(late.doc) && contentOf(b.doc) === contentOf(late.doc),
      {
        what: 'late joiner edit reaches the others',
      },
    );
    expect(contentOf(a.doc)).toContain('[late-joiner]');
  });

  it("one client sees another's presence state, relayed through the server", async () => {
    const a = await join(DEMO.penHolder);
    const b = await join(DEMO.hungarianDrafter);
    a.provider.awareness.setLocalStateField('cursor', { anchor: 'clause-1', marker: 'presence-test' });

    const seen = await waitFor(
      () => {
        const state = b.provider.awareness.getStates().get(a.doc.clientID);
        return (state?.cursor as { marker?: string } | undefined)?.marker === 'presence-test'
          ? state
          : undefined;
      },
      { what: "b sees a's cursor" },
    );
    expect(seen.cursor).toEqual({ anchor: 'clause-1', marker: 'presence-test' });
    const user = seen.user as PresenceUser;
    expect(user.name).toBe('Anna Nowak');
    expect(user.participantCode).toBe('PL');
  });

  it("the user others see is the server's session identity, even when a client claims another name", async () => {
    const a = await join(DEMO.penHolder);
    const b = await join(DEMO.hungarianDrafter);
    const annaProfile = (await (
      await fetch(`${server.url}/api/me`, {
        headers: { cookie: (await server.signIn(DEMO.penHolder)).cookie },
      })
    ).json()) as { user: { id: string; participant: { name: string; color: string } } };

    a.provider.awareness.setLocalStateField('user', {
      userId: 'forged-user-id',
      name: 'Forged',
      participantCode: 'XX',
      participantName: 'Nowhere',
      color: '#000000',
    });
    a.provider.awareness.setLocalStateField('marker', 'after-forgery');

    const seen = await waitFor(
      () => {
        const state = b.provider.awareness.getStates().get(a.doc.clientID);
        return state?.marker === 'after-forgery' ? state : undefined;
      },
      { what: "b sees a's state set after the forgery" },
    );
    expect(seen.user).toEqual({
      userId: annaProfile.user.id,
      name: 'Anna Nowak',
      participantCode: 'PL',
      participantName: annaProfile.user.participant.name,
      color: annaProfile.user.participant.color,
    });
    // And the server's view (sent to anyone who joins later) is the same.
    const late = await join(DEMO.czechDrafter);
    const seenByLate = await waitFor(() => late.provider.awareness.getStates().get(a.doc.clientID), {
      what: "late joiner sees a's presence",
    });
    expect((seenByLate.user as PresenceUser).name).toBe('Anna Nowak');
    expect((seenByLate.user as PresenceUser).participantCode).toBe('PL');
  });

  it("a client's presence disappears for the others when it disconnects", async () => {
    const a = await join(DEMO.penHolder);
    const b = await join(DEMO.hungarianDrafter);
    a.provider.awareness.setLocalStateField('marker', 'leaving');
    await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.marker === 'leaving', {
      what: "b sees a's presence",
    });
    const aClientId = a.doc.clientID;
    clients.splice(clients.indexOf(a), 1);
    a.destroy();
    await waitFor(() => !b.provider.awareness.getStates().has(aClientId), {
      what: "a's presence removed at b",
    });
  });
});
