import { describe, expect, it } from 'vitest';
import { type ConnectionSlots, MemoryConnectionSlots } from '../../server/src/collab/connectionSlots';
import { describeConnectionSlotsContract } from '../support/connectionSlotsContract';

let made: ConnectionSlots[] = [];

describeConnectionSlotsContract('in memory', {
  shared: false,
  make(limit) {
    const slots = new MemoryConnectionSlots(limit);
    made.push(slots);
    return slots;
  },
  async dispose() {
    await Promise.all(made.map((slots) => slots.close()));
    made = [];
  },
});

describe('MemoryConnectionSlots', () => {
  it('refuses a limit that is not a whole number of at least one', () => {
    for (const limit of [0, -1, 1.5, Number.NaN])
      expect(() => new MemoryConnectionSlots(limit)).toThrow(RangeError);
  });

  it('answers a take before any other task runs (no await between the count and the add)', async () => {
    const slots = new MemoryConnectionSlots(1);
    const first = slots.take('delegate-pl', 'c1');
    expect(slots.heldHere('delegate-pl')).toBe(1);
    expect(await first).toBe(true);
  });
});
