import { CloseCode, MessageType } from '@draftroom/shared';
import * as decoding from 'lib0/decoding';
import { describe, expect, inject, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState } from '../../server/src/collab/documentStorage';
import {
  clauseIdOf,
  documentText,
  type Instance,
  InstanceClient,
  instancesStoppedAfterEach,
  killInstance,
  startInstance,
  typeInto,
} from '../support/instances';
import { awarenessMessage } from '../support/rawCollab';
import { migratedDatabase } from '../support/services/migratedDatabase';
import { waitFor } from '../support/waitFor';

const database = migratedDatabase('instances');
const running = instancesStoppedAfterEach();
let testNumber = 0;

/** `count` instances on the file's database and the run's Redis, on channels of this test's own. */
async function instances(
  count: number,
  dropInbound?: Parameters<typeof startInstance>[4],
): Promise<Instance[]> {
  const prefix = `instances-${process.pid}-${++testNumber}`;
  const started = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startInstance(
        `instance-${index}`,
        database.url(),
        inject('redisUrl'),
        prefix,
        index === 1 ? dropInbound : {},
      ),
    ),
  );
  running.push(...started);
  return started;
}

/** The tokens typed: `<code>-<n>;` for each client, n from 0. */
function tokens(code: string, count: number): string[] {
  return Array.from({ length: count }, (_, n) => `${code}-${n};`);
}

/** Waits until every client's text and the stored document are one text holding every token exactly once. */
async function convergedWith(
  clients: InstanceClient[],
  storage: Instance['storage'],
  documentId: string,
  expected: Map<string, string[]>,
): Promise<string> {
  return waitFor(
    async () => {
      const texts = clients.map((client) => client.text());
      if (new Set(texts).size !== 1) return undefined;
      const stored = documentText(docFromStoredState(await storage.load(documentId)));
      if (stored !== texts[0]) return undefined;
      for (const [code, typed] of expected) {
        const clause = clients.find((client) => client.code === code);
        if (!clause) continue;
        for (const token of typed) if (stored.split(token).length !== 2) return undefined;
      }
      return stored;
    },
    { timeoutMs: 20_000, what: 'every client and the store holding every token exactly once' },
  );
}

/** Each client types `count` tokens, one per turn, all clients interleaved. */
async function typeTokens(clients: InstanceClient[], count: number): Promise<Map<string, string[]>> {
  const typed = new Map<string, string[]>(clients.map((client) => [client.code, tokens(client.code, count)]));
  for (let n = 0; n < count; n++) {
    for (const client of clients) typeInto(client, `${client.code}-${n};`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return typed;
}

describe('several instances on one PostgreSQL and one Redis', () => {
  it('clients on three instances typing at once converge, and the store holds each token once', async () => {
    const [a, b, c] = (await instances(3)) as [Instance, Instance, Instance];
    const documentId = `doc-${testNumber}`;
    const clients = ['PL', 'HU', 'CZ', 'AT', 'SK', 'SI'].map((code) => new InstanceClient(code));
    for (const [index, client] of clients.entries())
      client.connect([a, b, c][index % 3] as Instance, documentId);
    const typed = await typeTokens(clients, 40);
    const text = await convergedWith(clients, a.storage, documentId, typed);
    for (const client of clients) expect(text).toContain(`${client.code}-39;`);
    expect(clients.flatMap((client) => client.closes)).toEqual([]);
  });

  it('a dropped pub/sub message is detected by update id and caught up from the store: nothing lost, replicas equal', async () => {
    let dropped = 0;
    const [a, b] = (await instances(2, {
      // Instance 1 loses every other update message from the others.
      dropInbound: (message) => message.type === 'update' && ++dropped % 2 === 0,
    })) as [Instance, Instance];
    const documentId = `doc-${testNumber}`;
    const writer = new InstanceClient('PL');
    const reader = new InstanceClient('HU');
    writer.connect(a, documentId);
    reader.connect(b, documentId);
    // One commit per token (each waits for the one before), so B is sent one update message per token.
    const typed = new Map<string, string[]>([['PL', tokens('PL', 20)]]);
    for (const token of typed.get('PL') ?? []) {
      const held = a.rooms.get(documentId)?.storedUpToUpdateId ?? 0;
      typeInto(writer, token);
      await waitFor(() => (a.rooms.get(documentId)?.storedUpToUpdateId ?? 0) > held, {
        what: `${token} stored`,
      });
    }
    await convergedWith([writer, reader], b.storage, documentId, typed);
    expect(dropped).toBeGreaterThan(1);
    expect(b.bus.stats().simulatedDrops).toBeGreaterThan(0);
  });

  it('a clause agreed through instance A refuses an edit sent through instance B (4423), even when B never heard of it', async () => {
    const [a, b] = (await instances(2, {
      // B loses the lock message: the check inside B's commit must refuse the edit anyway.
      dropInbound: (message) => message.type === 'locks',
    })) as [Instance, Instance];
    const documentId = `doc-${testNumber}`;
    const author = new InstanceClient('PL');
    author.connect(b, documentId);
    const watcher = new InstanceClient('HU');
    watcher.connect(a, documentId);
    typeInto(author, 'Agreed wording.');
    await waitFor(() => watcher.text().includes('Agreed wording.'), { what: 'the clause on A' });
    await a.storage.lockClause(documentId, clauseIdOf(author), true);
    a.rooms.clauseLockChanged(documentId, clauseIdOf(author), true);
    typeInto(author, ' Changed after agreement.');
    await waitFor(() => author.closes.includes(CloseCode.ClauseLocked), {
      what: 'the edit refused with 4423',
    });
    const stored = documentText(docFromStoredState(await b.storage.load(documentId)));
    expect(stored).toBe('Agreed wording.');
    expect(watcher.text()).toBe('Agreed wording.');
  });

  it('Redis restarted mid-session: instances keep serving their own clients, then catch up; nothing lost', async () => {
    const { startRedis } = await import('../support/services/redis');
    const redis = await startRedis();
    try {
      const prefix = `restart-${process.pid}-${++testNumber}`;
      const [a, b] = await Promise.all(
        ['a', 'b'].map((name) => startInstance(name, database.url(), redis.url, prefix)),
      );
      running.push(a as Instance, b as Instance);
      const documentId = `doc-${testNumber}`;
      const onA = new InstanceClient('PL');
      const onB = new InstanceClient('HU');
      onA.connect(a as Instance, documentId);
      onB.connect(b as Instance, documentId);
      const before = await typeTokens([onA, onB], 10);
      await convergedWith([onA, onB], (a as Instance).storage, documentId, before);
      await redis.kill('SIGKILL');
      for (let n = 0; n < 10; n++) {
        typeInto(onA, `PL-down-${n};`);
        typeInto(onB, `HU-down-${n};`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      // While Redis is down, each instance's own clients still get each other's edits... and the store has all.
      await redis.start();
      const all = new Map([
        ['PL', [...(before.get('PL') ?? []), ...Array.from({ length: 10 }, (_, n) => `PL-down-${n};`)]],
        ['HU', [...(before.get('HU') ?? []), ...Array.from({ length: 10 }, (_, n) => `HU-down-${n};`)]],
      ]);
      await convergedWith([onA, onB], (b as Instance).storage, documentId, all);
    } finally {
      await redis.stop();
    }
  });

  it('an instance killed while its clients type: they reconnect to another, and every token is there exactly once', async () => {
    const [a, b] = (await instances(2)) as [Instance, Instance];
    const documentId = `doc-${testNumber}`;
    const onA = ['PL', 'HU'].map((code) => new InstanceClient(code));
    const onB = new InstanceClient('CZ');
    for (const client of onA) client.connect(a, documentId);
    onB.connect(b, documentId);
    const typed = new Map<string, string[]>([
      ['PL', []],
      ['HU', []],
      ['CZ', []],
    ]);
    for (let n = 0; n < 60; n++) {
      for (const client of [...onA, onB]) {
        const token = `${client.code}-${n};`;
        typeInto(client, token);
        typed.get(client.code)?.push(token);
      }
      if (n === 30) {
        await killInstance(a);
        for (const client of onA) client.connect(b, documentId);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    const text = await convergedWith([...onA, onB], b.storage, documentId, typed);
    const replica = new Y.Doc();
    Y.applyUpdate(replica, Y.encodeStateAsUpdate(onB.doc));
    expect(documentText(replica)).toBe(text);
  });

  it('a notice published through A reaches clients on B; presence on A shows on B and goes when its client leaves', async () => {
    const [a, b] = (await instances(2)) as [Instance, Instance];
    const documentId = `doc-${testNumber}`;
    const onA = new InstanceClient('PL');
    const onB = new InstanceClient('HU');
    onA.connect(a, documentId);
    onB.connect(b, documentId);
    await waitFor(() => onB.connected && b.rooms.get(documentId)?.connections.size === 1, {
      what: 'B joined',
    });
    const socketB = onB.connection?.socket as unknown as { sent: Uint8Array[] };
    const kinds = () => socketB.sent.map((message) => decoding.readVarUint(decoding.createDecoder(message)));
    a.rooms.broadcastNotice(documentId, {
      kind: 'negotiation',
      seq: 1,
      event: { type: 'thread-read' },
    } as never);
    await waitFor(() => kinds().includes(MessageType.Notice), { what: 'the notice on B' });
    // PL announces its caret on A: B's room holds it (relayed to B's clients with the server's clocks).
    const roomA = a.rooms.get(documentId);
    const connectionA = onA.connection;
    if (!roomA || !connectionA) throw new Error('setup');
    const message = decoding.createDecoder(
      awarenessMessage([{ clientId: onA.doc.clientID, clock: 1, state: { cursor: 3 } }]),
    );
    decoding.readVarUint(message); // the message type
    const payload = decoding.readVarUint8Array(message);
    roomA.queue.run(() => roomA.presence.receive(connectionA, payload));
    await waitFor(() => b.rooms.get(documentId)?.awareness.getStates().has(onA.doc.clientID), {
      what: 'PL’s presence on B',
    });
    onA.disconnect();
    await waitFor(() => !b.rooms.get(documentId)?.awareness.getStates().has(onA.doc.clientID), {
      what: 'PL’s presence gone on B',
    });
  });

  it('a client id claimed through instance A cannot be written under through instance B by someone else', async () => {
    const [a, b] = (await instances(2)) as [Instance, Instance];
    const documentId = `doc-${testNumber}`;
    const watcher = new InstanceClient('CZ');
    watcher.connect(b, documentId);
    await waitFor(() => b.rooms.get(documentId)?.connections.size === 1, { what: 'B open first' });
    const victim = new InstanceClient('PL');
    victim.connect(a, documentId);
    typeInto(victim, 'Victim words.');
    await waitFor(() => watcher.text().includes('Victim words.'), { what: 'the victim’s words on B' });
    // Another person on B, with a replica of the document, continues the victim's Yjs client id.
    const hostile = new InstanceClient('XX');
    Y.applyUpdate(hostile.doc, Y.encodeStateAsUpdate(victim.doc), hostile);
    hostile.doc.clientID = victim.doc.clientID;
    hostile.connect(b, documentId);
    await waitFor(() => hostile.connected && b.rooms.get(documentId)?.connections.size === 2, {
      what: 'the hostile client joined',
    });
    await waitFor(
      async () => (await b.storage.loadClientIds(documentId)).get(victim.doc.clientID) === 'user-PL',
      { what: 'the claim stored' },
    );
    const [section] = hostile.doc.getXmlFragment('content').toArray() as Y.XmlElement[];
    if (!section) throw new Error('no section');
    const text = ((section.get(0) as Y.XmlElement).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    text.insert(text.length, ' Forged.');
    await waitFor(() => hostile.closes.length > 0, { what: 'the forgery refused' });
    expect([CloseCode.MalformedMessage, CloseCode.StorageUnavailable]).toContain(hostile.closes[0]);
    typeInto(victim, ' More.');
    await waitFor(() => watcher.text().includes('More.'), { what: 'the victim goes on typing' });
    const stored = documentText(docFromStoredState(await a.storage.load(documentId)));
    expect(stored).toBe('Victim words. More.');
    expect(victim.closes).toEqual([]);
  });
});
