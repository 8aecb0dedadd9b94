import { afterEach, describe, expect, inject, it } from 'vitest';
import { encodeFrame, MIN_BUS_FRAME_BYTES } from '../../server/src/collab/bus';
import {
  type BusFixture,
  capturedLogger,
  documentInbox,
  globalInbox,
  localFixture,
  redisFixture,
  update,
} from '../support/busFixtures';

/**
 * The contract of the per-document bus, run against LocalBus (instances in
 * one process) and RedisBus (on the run's real Redis). "Instances" are
 * several buses on one transport. To show that something was NOT delivered,
 * a later message on the same path is awaited first: each transport delivers
 * to a subscriber in publishing order, so anything earlier has arrived by then.
 */
function describeBusContract(name: string, makeFixture: () => BusFixture): void {
  describe(`bus contract: ${name}`, () => {
    let fixture: BusFixture;
    const fresh = () => {
      fixture = makeFixture();
      return fixture;
    };
    afterEach(async () => {
      await fixture?.close();
    });

    it('delivers to the other instances’ subscribers, with the publisher’s id, and not to the publisher', async () => {
      const { instance } = fresh();
      const [a, b, c] = [await instance(), await instance(), await instance()];
      const [toA, toB, toC] = [
        await documentInbox(a, 'doc-1'),
        await documentInbox(b, 'doc-1'),
        await documentInbox(c, 'doc-1'),
      ];
      const turn = update('doc-1', 7, 300);
      a.publish(turn);
      expect((await toB.until(1))[0]).toEqual({ ...turn, origin: a.instanceId });
      expect((await toC.until(1))[0]).toEqual({ ...turn, origin: a.instanceId });
      b.publish({ type: 'locks', documentId: 'doc-1', clauseId: 'clause-2', locked: true });
      await toA.until(1);
      expect(toA.messages).toEqual([
        { type: 'locks', documentId: 'doc-1', clauseId: 'clause-2', locked: true, origin: b.instanceId },
      ]);
      expect(toB.messages).toHaveLength(1);
      expect(a.stats()).toMatchObject({ published: 1, delivered: 1, publishDropped: 0 });
    });

    it('carries presence and notices of a document as they were published', async () => {
      const { instance } = fresh();
      const [a, b] = [await instance(), await instance()];
      const toB = await documentInbox(b, 'doc-1');
      const payload = Uint8Array.from({ length: 200 }, (_, i) => i);
      a.publish({ type: 'presence', documentId: 'doc-1', payload });
      const notice = {
        kind: 'role-changed' as const,
        role: 'commenter' as const,
        message: 'You may now comment.',
      };
      a.publish({ type: 'notice', documentId: 'doc-1', notice });
      const [presence, noticeMessage] = await toB.until(2);
      expect(presence).toEqual({ type: 'presence', documentId: 'doc-1', payload, origin: a.instanceId });
      expect(noticeMessage).toEqual({ type: 'notice', documentId: 'doc-1', notice, origin: a.instanceId });
    });

    it('keeps documents apart: a subscriber hears only its document', async () => {
      const { instance } = fresh();
      const [a, b, c] = [await instance(), await instance(), await instance()];
      const toB = await documentInbox(b, 'doc-1');
      const toC = await documentInbox(c, 'doc-2');
      a.publish(update('doc-2', 0));
      a.publish(update('doc-1', 0));
      a.publish(update('doc-2', 1));
      await toB.until(1);
      await toC.until(2);
      a.publish(update('doc-1', 1));
      await toB.until(2);
      expect(toB.messages.map((m) => [m.documentId, (m as { lastUpdateId: number }).lastUpdateId])).toEqual([
        ['doc-1', 1],
        ['doc-1', 2],
      ]);
      expect(toC.messages.map((m) => m.documentId)).toEqual(['doc-2', 'doc-2']);
    });

    it('stops delivering to a handler once unsubscribed; the others of the document go on', async () => {
      const { instance } = fresh();
      const [a, b] = [await instance(), await instance()];
      const first = await documentInbox(b, 'doc-1');
      const second = await documentInbox(b, 'doc-1');
      first.unsubscribe();
      first.unsubscribe();
      a.publish(update('doc-1', 0));
      await second.until(1);
      expect(first.messages).toHaveLength(0);
      second.unsubscribe();
      const barrier = await documentInbox(b, 'doc-barrier');
      a.publish(update('doc-1', 1));
      a.publish(update('doc-barrier', 0));
      await barrier.until(1);
      expect(second.messages).toHaveLength(1);
      expect(first.messages).toHaveLength(0);
      const again = await documentInbox(b, 'doc-1');
      a.publish(update('doc-1', 2));
      expect((await again.until(1))[0]).toMatchObject({ previousUpdateId: 2 });
    });

    it('carries access changes on the global channel to every other instance, not on documents', async () => {
      const { instance } = fresh();
      const [a, b] = [await instance(), await instance()];
      const globalA = await globalInbox(a);
      const globalB = await globalInbox(b);
      const documentB = await documentInbox(b, 'doc-1');
      a.publish({ type: 'access', userId: 'user-3', documentId: null, kind: 'signed-out' });
      a.publish({ type: 'access', userId: 'user-4', documentId: 'doc-1', kind: 'role-removed' });
      expect(await globalB.until(2)).toEqual([
        { type: 'access', userId: 'user-3', documentId: null, kind: 'signed-out', origin: a.instanceId },
        { type: 'access', userId: 'user-4', documentId: 'doc-1', kind: 'role-removed', origin: a.instanceId },
      ]);
      b.publish({ type: 'access', userId: 'user-5', documentId: 'doc-1', kind: 'role-changed' });
      b.publish(update('doc-1', 0));
      await globalA.until(1);
      expect(globalA.messages.map((m) => m.userId)).toEqual(['user-5']);
      expect(documentB.messages).toHaveLength(0);
    });

    it('delivers one publisher’s messages of a document in the order published', async () => {
      const { instance } = fresh();
      const [a, b] = [await instance(), await instance()];
      const toB = await documentInbox(b, 'doc-1');
      for (let i = 0; i < 500; i++) {
        a.publish(update('doc-1', i, 1 + ((i * 37) % 700)));
        if (i % 50 === 0)
          a.publish({ type: 'presence', documentId: 'doc-1', payload: Uint8Array.of(i & 0xff) });
      }
      const received = await toB.until(510);
      const updates = received.filter((m) => m.type === 'update');
      expect(updates.map((m) => m.lastUpdateId)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(updates.every((m, i) => m.update?.length === 1 + ((i * 37) % 700))).toBe(true);
      expect(updates[123]).toEqual({ ...update('doc-1', 123, 1 + ((123 * 37) % 700)), origin: a.instanceId });
    });

    it('drops frames that are oversized, undecodable or on the wrong channel, logs them, and keeps delivering', async () => {
      const { instance, injectRaw } = fresh();
      const { logger, lines } = capturedLogger();
      const a = await instance();
      const b = await instance({ logger, maxFrameBytes: MIN_BUS_FRAME_BYTES });
      const toB = await documentInbox(b, 'doc-1');
      const channel = b.documentChannel('doc-1');
      const valid = encodeFrame('foreign', update('doc-1', 0));
      await injectRaw(channel, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
      await injectRaw(channel, Uint8Array.of(...valid, 0));
      await injectRaw(channel, encodeFrame('foreign', update('doc-1', 0, MIN_BUS_FRAME_BYTES)));
      await injectRaw(channel, encodeFrame('foreign', update('doc-2', 0)));
      await injectRaw(b.globalChannel, encodeFrame('foreign', update('doc-1', 0)));
      await injectRaw(channel, new Uint8Array(0));
      await injectRaw(channel, valid);
      a.publish(update('doc-1', 1));
      await toB.until(2);
      expect(toB.messages.map((m) => m.origin)).toEqual(['foreign', a.instanceId]);
      expect(b.stats().rejected).toBe(5);
      const warnings = lines().filter((line) => String(line.msg).includes('dropped bus frames'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ rejected: 1, component: 'bus' });
    });

    it('announces an update too large for a frame without its bytes, and drops an oversized presence', async () => {
      const { instance } = fresh();
      const a = await instance({ maxFrameBytes: MIN_BUS_FRAME_BYTES });
      const b = await instance();
      const toB = await documentInbox(b, 'doc-1');
      a.publish(update('doc-1', 4, MIN_BUS_FRAME_BYTES * 3));
      a.publish({ type: 'presence', documentId: 'doc-1', payload: new Uint8Array(MIN_BUS_FRAME_BYTES * 2) });
      a.publish(update('doc-1', 5));
      const [big, next] = await toB.until(2);
      expect(big).toEqual({
        type: 'update',
        documentId: 'doc-1',
        previousUpdateId: 4,
        lastUpdateId: 5,
        update: null,
        origin: a.instanceId,
      });
      expect(next).toMatchObject({ previousUpdateId: 5, lastUpdateId: 6 });
      expect(a.stats()).toMatchObject({ published: 2, publishDropped: 1, updatesWithoutBytes: 1 });
    });

    it('never throws on publishing an invalid message: it is dropped, counted and logged', async () => {
      const { instance } = fresh();
      const { logger, lines } = capturedLogger();
      const a = await instance({ logger });
      const b = await instance();
      const toB = await documentInbox(b, 'doc-1');
      expect(() => a.publish({ ...update('doc-1', 3), lastUpdateId: 3 })).not.toThrow();
      expect(() => a.publish({ ...update('doc-1', 3), documentId: '' })).not.toThrow();
      a.publish(update('doc-1', 3));
      await toB.until(1);
      expect(toB.messages).toHaveLength(1);
      expect(a.stats()).toMatchObject({ published: 1, publishDropped: 2 });
      expect(lines().filter((line) => line.msg === 'a bus message was not published')).toHaveLength(2);
    });

    it('keeps delivering to the other handlers when one throws', async () => {
      const { instance } = fresh();
      const { logger, lines } = capturedLogger();
      const a = await instance();
      const b = await instance({ logger });
      b.subscribeDocument('doc-1', () => {
        throw new Error('a room failed');
      });
      const toB = await documentInbox(b, 'doc-1');
      a.publish(update('doc-1', 0));
      a.publish(update('doc-1', 1));
      await toB.until(2);
      expect(lines().filter((line) => line.msg === 'a bus subscriber failed')).toHaveLength(2);
    });

    it('drops what the test hook says, as a lost message: the next update shows the gap', async () => {
      const { instance } = fresh();
      const a = await instance();
      const b = await instance({ dropInbound: (m) => m.type === 'update' && m.lastUpdateId === 2 });
      const toB = await documentInbox(b, 'doc-1');
      for (let i = 0; i < 3; i++) a.publish(update('doc-1', i));
      const received = await toB.until(2);
      expect(received.map((m) => (m.type === 'update' ? [m.previousUpdateId, m.lastUpdateId] : []))).toEqual([
        [0, 1],
        [2, 3],
      ]);
      expect(b.stats()).toMatchObject({ delivered: 2, simulatedDrops: 1 });
    });

    it('after close: publishing drops without throwing, nothing is delivered, it is no longer healthy', async () => {
      const { instance } = fresh();
      const [a, b] = [await instance(), await instance()];
      const toB = await documentInbox(b, 'doc-1');
      expect(a.isHealthy()).toBe(true);
      expect(await a.ping()).toBe(true);
      await b.close();
      await a.close();
      expect(a.isHealthy()).toBe(false);
      expect(await a.ping()).toBe(false);
      expect(() => a.publish(update('doc-1', 0))).not.toThrow();
      expect(a.stats().publishDropped).toBe(1);
      expect(await b.subscribeDocument('doc-1', () => {}).listening).toBe(false);
      expect(toB.messages).toHaveLength(0);
    });
  });
}

describeBusContract('LocalBus', localFixture);
describeBusContract('RedisBus', () => redisFixture(inject('redisUrl')));
