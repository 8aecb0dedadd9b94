/**
 * The contract of the per-user connection slots, whatever holds them: this
 * process's memory (tests/unit/connectionSlots.test.ts) or Redis shared by
 * every instance (tests/services/connectionSlots.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionSlots } from '../../server/src/collab/connectionSlots';

/** Slots under test. */
export interface SlotsTarget {
  /** True when slots made with one `scope` share their counts (instances on one store). */
  shared: boolean;
  /** New slots ("an instance") of `limit` per user; those of one `scope` count together when `shared`. */
  make(limit: number, scope: string): ConnectionSlots | Promise<ConnectionSlots>;
  /** Closes every slots object the test made (and what they hold). */
  dispose(): Promise<void>;
}

let scopeNumber = 0;
/** A scope of the test's own. */
const newScope = () => `contract-${process.pid}-${++scopeNumber}`;

/** `count` takes of `userId`'s slots at once (connection ids `<prefix>-<n>`): how many were granted. */
async function takeAtOnce(
  slots: ConnectionSlots,
  userId: string,
  count: number,
  prefix: string,
): Promise<number> {
  const answers = await Promise.all(
    Array.from({ length: count }, (_, n) => slots.take(userId, `${prefix}-${n}`)),
  );
  return answers.filter(Boolean).length;
}

/** The slots contract, run against `target`. */
export function describeConnectionSlotsContract(name: string, target: SlotsTarget): void {
  describe(`ConnectionSlots contract: ${name}`, () => {
    afterEach(() => target.dispose());

    it('grants a user up to the limit, refuses past it, and counts each user apart', async () => {
      const slots = await target.make(3, newScope());
      expect(slots.limit).toBe(3);
      for (const id of ['c1', 'c2', 'c3']) expect(await slots.take('delegate-pl', id)).toBe(true);
      expect(await slots.take('delegate-pl', 'c4')).toBe(false);
      expect(slots.heldHere('delegate-pl')).toBe(3);
      expect(await slots.take('delegate-hu', 'c4')).toBe(true);
      expect(slots.heldHere('delegate-hu')).toBe(1);
      expect(slots.heldHere('nobody')).toBe(0);
    });

    it('a connection taking its slot again still holds one; a release frees it for another', async () => {
      const slots = await target.make(2, newScope());
      expect(await slots.take('delegate-pl', 'c1')).toBe(true);
      expect(await slots.take('delegate-pl', 'c1')).toBe(true);
      expect(await slots.take('delegate-pl', 'c2')).toBe(true);
      expect(slots.heldHere('delegate-pl')).toBe(2);
      expect(await slots.take('delegate-pl', 'c3')).toBe(false);
      await slots.release('delegate-pl', 'c1');
      expect(slots.heldHere('delegate-pl')).toBe(1);
      expect(await slots.take('delegate-pl', 'c3')).toBe(true);
      expect(await slots.take('delegate-pl', 'c4')).toBe(false);
    });

    it('a release of a slot not held (never taken, or released twice) changes nothing', async () => {
      const slots = await target.make(2, newScope());
      expect(await slots.take('delegate-pl', 'c1')).toBe(true);
      await slots.release('delegate-pl', 'never-taken');
      await slots.release('delegate-hu', 'c1');
      expect(slots.heldHere('delegate-pl')).toBe(1);
      await slots.release('delegate-pl', 'c1');
      await slots.release('delegate-pl', 'c1');
      expect(slots.heldHere('delegate-pl')).toBe(0);
      expect(await takeAtOnce(slots, 'delegate-pl', 3, 'again')).toBe(2);
    });

    it('never grants more than the limit to 50 takes at once', async () => {
      const slots = await target.make(5, newScope());
      expect(await takeAtOnce(slots, 'delegate-pl', 50, 'burst')).toBe(5);
      expect(slots.heldHere('delegate-pl')).toBe(5);
    });

    it('close gives back every slot the instance holds', async () => {
      const scope = newScope();
      const slots = await target.make(2, scope);
      expect(await takeAtOnce(slots, 'delegate-pl', 2, 'held')).toBe(2);
      await slots.close();
      expect(slots.heldHere('delegate-pl')).toBe(0);
      const next = await target.make(2, scope);
      expect(await takeAtOnce(next, 'delegate-pl', 3, 'next')).toBe(2);
    });

    if (target.shared)
      describe('across instances', () => {
        it('holds the limit over the slots of two instances; a release on one frees a slot for the other', async () => {
          const scope = newScope();
          const [a, b] = [await target.make(5, scope), await target.make(5, scope)];
          expect(await takeAtOnce(a, 'delegate-pl', 3, 'a')).toBe(3);
          expect(await takeAtOnce(b, 'delegate-pl', 3, 'b')).toBe(2);
          expect(await a.take('delegate-pl', 'a-more')).toBe(false);
          expect([a.heldHere('delegate-pl'), b.heldHere('delegate-pl')]).toEqual([3, 2]);
          await a.release('delegate-pl', 'a-0');
          expect(await b.take('delegate-pl', 'b-more')).toBe(true);
          expect(await a.take('delegate-pl', 'a-0')).toBe(false);
        });

        it('connection ids are per instance: the same id on two instances is two slots', async () => {
          const scope = newScope();
          const [a, b] = [await target.make(2, scope), await target.make(2, scope)];
          expect(await a.take('delegate-pl', '1')).toBe(true);
          expect(await b.take('delegate-pl', '1')).toBe(true);
          expect(await b.take('delegate-pl', '2')).toBe(false);
        });

        it('never grants more than the limit to 50 takes at once split over two instances', async () => {
          const scope = newScope();
          const [a, b] = [await target.make(5, scope), await target.make(5, scope)];
          const [onA, onB] = await Promise.all([
            takeAtOnce(a, 'delegate-pl', 25, 'a'),
            takeAtOnce(b, 'delegate-pl', 25, 'b'),
          ]);
          expect(onA + onB).toBe(5);
          expect(a.heldHere('delegate-pl') + b.heldHere('delegate-pl')).toBe(5);
        });
      });
  });
}
