import { CloseCode } from '@draftroom/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { findClause } from '../../server/src/amendments/clauseWriter';
import { modify, RETURN, TRAINING, tableOk } from '../support/amendmentAttack';
import {
  amendmentScene,
  clientClauseTexts,
  storedClauseTexts,
  typeInClause,
  type WatchingClient,
} from '../support/amendmentsApi';
import { bracketedText, passageIn } from '../support/bracketPassages';
import { StorageGate } from '../support/breakerStorageGate';
import { handmadeUpdate } from '../support/handmadeUpdate';
import { openRawSocket, type RawCollabSocket, syncUpdateMessage } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { occurrences } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

/**
 * Adversarial review of server commands (Room.exclusive, applyServerChange)
 * racing typing on the real server whose storage answers late (StorageGate):
 * amendment accepts while their commit is slow, and while the room reloads
 * after a refused update.
 */
let server: TestServer;
let gate: StorageGate;
const watchers: WatchingClient[] = [];
const sockets: RawCollabSocket[] = [];

beforeEach(async () => {
  server = await startTestServer();
  gate = new StorageGate(server);
});
afterEach(async () => {
  gate.dispose();
  for (const watcher of watchers.splice(0)) watcher.destroy();
  for (const socket of sockets.splice(0)) socket.ws.terminate();
  await server.dispose();
});

const ASSISTED = RETURN.replace('voluntary return', 'assisted voluntary return');

async function scene() {
  const built = await amendmentScene(server, [RETURN, TRAINING]);
  watchers.push(built.drafter);
  const [clauseId] = built.clauseIds as [string];
  const amendment = await tableOk(built.hu, modify(clauseId, RETURN, ASSISTED));
  return { ...built, clauseId, amendment };
}

describe('breaker: accepting an amendment while storage is slow', () => {
  it('two accepts of one amendment, and typing in its clause, while the first commit is slow: decided once, nothing lost', async () => {
    const { pl, drafter, documentId, clauseId, amendment } = await scene();
    const commit = gate.hold('appendUpdates');
    const first = pl.decide(amendment.id, { decision: 'accept' });
    await waitFor(() => commit.waiting() === 1, { what: 'the accept’s commit in flight' });
    const second = pl.decide(amendment.id, { decision: 'accept' });
    typeInClause(drafter.doc, clauseId, 0, 'TYPED ');
    const room = server.server.collab.rooms.get(documentId);
    await waitFor(() => (room?.queue.size ?? 0) >= 2, { what: 'the second accept and the typing waiting' });
    commit.release();

    const statuses = (await Promise.all([first, second])).map((result) => result.status).sort();
    expect(statuses).toEqual([200, 409]);
    await waitFor(() => storedClauseTexts(server, documentId).get(clauseId)?.includes('TYPED '), {
      what: 'the typing stored',
    });
    const stored = storedClauseTexts(server, documentId).get(clauseId) ?? '';
    expect(occurrences(stored, 'assisted voluntary return')).toBe(1);
    await waitFor(() => clientClauseTexts(drafter.doc).get(clauseId) === stored, {
      what: 'the drafter converged',
    });
    expect(drafter.closeCodes).toEqual([]);
  });

  it('an accept that arrives while the room reloads after a refused update runs on the reloaded text', async () => {
    const { pl, drafter, documentId, clauseId, amendment } = await scene();
    const { cookie } = await server.signIn(DEMO.czechDrafter);
    const hostile = await openRawSocket(server.wsUrl, documentId, cookie);
    sockets.push(hostile);
    await hostile.requestFullState();
    const text = findClause(hostile.doc, clauseId)?.clause.get(0) as Y.XmlElement;
    const origin = ((text.get(0) as Y.XmlText)._start as Y.Item).id;
    // Two items of new clients, each waiting for the other: they pass the checks; Yjs keeps them pending (4409).
    const cycle = handmadeUpdate([
      {
        client: 971_001,
        clock: 0,
        structs: [{ content: { string: 'a' }, origin, rightOrigin: Y.createID(971_002, 0) }],
      },
      {
        client: 971_002,
        clock: 0,
        structs: [{ content: { string: 'b' }, origin, rightOrigin: Y.createID(971_001, 0) }],
      },
    ]);
    const load = gate.hold('load');
    hostile.send(syncUpdateMessage(cycle));
    await waitFor(() => load.waiting() === 1, { what: 'the room reloading' });
    const accepted = pl.decide(amendment.id, { decision: 'accept' });
    typeInClause(drafter.doc, clauseId, 0, 'TYPED ');
    const room = server.server.collab.rooms.get(documentId);
    await waitFor(() => (room?.queue.size ?? 0) >= 2, { what: 'the accept and the typing waiting' });
    load.release();

    expect((await accepted).status).toBe(200);
    expect(await hostile.closed).toBe(CloseCode.ResyncRequired);
    await waitFor(() => storedClauseTexts(server, documentId).get(clauseId)?.includes('TYPED '), {
      what: 'the typing stored',
    });
    const stored = storedClauseTexts(server, documentId).get(clauseId) ?? '';
    expect(occurrences(stored, 'assisted voluntary return')).toBe(1);
    expect(stored).not.toMatch(/[ab]{2}/);
    await waitFor(() => clientClauseTexts(drafter.doc).get(clauseId) === stored, {
      what: 'the drafter converged',
    });
  });
});

describe('breaker: agreeing a clause while storage is slow', () => {
  it('a keystroke sent after the pen-holder’s “agreed” request does not land in the agreed clause', async () => {
    const { pl, drafter, documentId, clauseId } = await scene();
    const room = server.server.collab.rooms.get(documentId);
    if (!room) throw new Error('no room');
    const commit = gate.hold('appendBatch');
    typeInClause(drafter.doc, clauseId, 0, 'FIRST ');
    await waitFor(() => commit.waiting() === 1, { what: 'the commit of FIRST in flight' });
    // The pen-holder agrees the clause (the route reads the clause in the room: it waits for the commit).
    const agreed = pl.setStatus(clauseId, 'agreed');
    await waitFor(() => room.queue.size >= 1, { what: 'the agree request waiting in the room' });
    // Then the drafter types into the clause.
    typeInClause(drafter.doc, clauseId, 0, 'SNEAKED ');
    await waitFor(() => room.queue.size >= 2, { what: 'the keystroke waiting behind it' });
    commit.release();

    expect((await agreed).status).toBe(200);
    await waitFor(() => drafter.closeCodes.length > 0, {
      timeoutMs: 3_000,
      what: 'the drafter refused',
    }).catch(() => undefined);
    const stored = storedClauseTexts(server, documentId).get(clauseId) ?? '';
    expect(stored).toContain('FIRST ');
    expect(stored).not.toContain('SNEAKED');
    expect(drafter.closeCodes).toContain(CloseCode.ClauseLocked);
  });
});

describe('breaker: resolving a bracket while storage is slow', () => {
  it('two resolutions at once, and typing in the clause, while the first commit is slow: resolved once, nothing lost', async () => {
    const { hu, pl, drafter, documentId, clauseId } = await scene();
    const input = passageIn(drafter.doc, clauseId, 'forced', ['mandatory']);
    expect((await hu.newBracket(input)).status).toBe(201);
    await waitFor(() => bracketedText(drafter.doc, clauseId, input.id) === 'forced', {
      what: 'the bracket on the drafter',
    });
    const room = server.server.collab.rooms.get(documentId);
    const commit = gate.hold('appendUpdates');
    const keep = pl.resolveBracket(input.id, { keep: 1 });
    await waitFor(() => commit.waiting() === 1, { what: 'the resolution’s commit in flight' });
    const drop = pl.resolveBracket(input.id, { drop: true });
    typeInClause(drafter.doc, clauseId, 0, 'TYPED ');
    await waitFor(() => (room?.queue.size ?? 0) >= 2, {
      what: 'the second resolution and the typing waiting',
    });
    commit.release();

    const statuses = (await Promise.all([keep, drop])).map((answer) => answer.status).sort();
    expect(statuses).toEqual([200, 409]);
    await waitFor(() => storedClauseTexts(server, documentId).get(clauseId)?.includes('TYPED '), {
      what: 'the typing stored',
    });
    expect(storedClauseTexts(server, documentId).get(clauseId)).toBe(
      `TYPED ${RETURN.replace('forced', 'mandatory')}`,
    );
    await waitFor(
      () =>
        clientClauseTexts(drafter.doc).get(clauseId) === storedClauseTexts(server, documentId).get(clauseId),
      { what: 'the drafter converged' },
    );
  });
});
