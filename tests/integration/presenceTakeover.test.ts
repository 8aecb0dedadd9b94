import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type CollabClient, connectClient } from '../support/collabClient';
import { connectWellBehaved, relayOnlyOwnPresence } from '../support/ownPresence';
import { awarenessMessage, openRawSocket } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

/** The presence id of the victim's page (the stock provider keeps its Y.Doc's clientID for the page's life). */
const VICTIM_ID = 123_456_789;

/**
 * Finding 8: presence ids are remembered in memory, so after a restart
 * whoever speaks first for an id gets it. Someone who saw a person's id
 * before the restart and claims it first must not make that person invisible.
 */
describe('presence after a restart: an id claimed by someone else first', () => {
  let server: TestServer;
  let documentId: string;

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  /** The state `viewer` sees with `marker`, and under which id. */
  function stateWithMarker(
    viewer: CollabClient,
    marker: string,
  ): { id: number; userId?: string } | undefined {
    for (const [id, state] of viewer.provider.awareness.getStates()) {
      if (state.marker === marker)
        return { id, userId: (state.user as { userId?: string } | undefined)?.userId };
    }
    return undefined;
  }

  it('the person is visible again, as themselves, and their own state is not overwritten by the squatter’s', async () => {
    const laszloId = server.server.repositories.users.findByEmail(DEMO.hungarianDrafter)?.profile.id;
    const victimDoc = new Y.Doc();
    victimDoc.clientID = VICTIM_ID;
    const victim = relayOnlyOwnPresence(
      connectClient(server.wsUrl, documentId, (await server.signIn(DEMO.hungarianDrafter)).cookie, victimDoc),
    );
    victim.provider.awareness.setLocalStateField('marker', 'victim');
    const watcher = await connectWellBehaved(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.penHolder)).cookie,
    );
    await waitFor(() => stateWithMarker(watcher, 'victim')?.id === VICTIM_ID, { what: 'the victim seen' });
    const attackerCookie = (await server.signIn(DEMO.observer)).cookie;

    victim.provider.disconnect(); // the test decides who reconnects first
    await server.restart();
    const attacker = await openRawSocket(server.wsUrl, documentId, attackerCookie);
    attacker.send(awarenessMessage([{ clientId: VICTIM_ID, clock: 1, state: { marker: 'squatter' } }]));
    await waitFor(() => stateWithMarker(watcher, 'squatter')?.id === VICTIM_ID, {
      what: 'the squatter’s claim handled (the watcher reconnected by itself)',
    });

    victim.provider.connect();
    const shown = await waitFor(() => stateWithMarker(watcher, 'victim'), {
      what: 'the victim visible again after the restart',
    });
    expect(shown.userId).toBe(laszloId);
    expect(victim.provider.awareness.getLocalState()?.marker).toBe('victim');
    // The squatter's entry still carries the squatter's identity, never the victim's.
    const squatter = watcher.provider.awareness.getStates().get(VICTIM_ID);
    expect((squatter?.user as { userId?: string } | undefined)?.userId).not.toBe(laszloId);

    victim.provider.awareness.setLocalStateField('marker', 'victim-moved');
    await waitFor(() => stateWithMarker(watcher, 'victim-moved')?.userId === laszloId, {
      what: 'a later change of the victim relayed',
    });
    expect(victim.provider.awareness.getLocalState()?.marker).toBe('victim-moved');
    expect(attacker.closeCode).toBeUndefined();
    attacker.close();
    victim.destroy();
    watcher.destroy();
  });
});
