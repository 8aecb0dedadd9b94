import { describe, expect, it } from 'vitest';
import { type PresenceClaimLimits, PresenceClaims } from '../../server/src/collab/presenceClaims';

const RETENTION_MS = 60_000;

/** PresenceClaims over a clock the test moves. */
function claimsAt(
  start = 1_000_000,
  limits?: PresenceClaimLimits,
): { claims: PresenceClaims; advance(ms: number): void } {
  let now = start;
  return {
    claims: new PresenceClaims(RETENTION_MS, () => now, limits),
    advance(ms) {
      now += ms;
    },
  };
}

describe('PresenceClaims', () => {
  it('keeps an id its user’s while connected and for the retention after the last connection closed', () => {
    const { claims, advance } = claimsAt();
    expect(claims.heldByAnotherUser(7, 'jana')).toBe(false);
    claims.claim(7, 'anna');
    expect(claims.heldByAnotherUser(7, 'jana')).toBe(true);
    expect(claims.heldByAnotherUser(7, 'anna')).toBe(false);
    claims.claim(7, 'anna'); // her reconnected socket, before the old one closed
    claims.release(7);
    advance(RETENTION_MS * 10);
    expect(claims.heldByAnotherUser(7, 'jana')).toBe(true); // one socket still open
    claims.release(7);
    advance(RETENTION_MS);
    expect(claims.heldByAnotherUser(7, 'jana')).toBe(true);
    advance(1);
    expect(claims.heldByAnotherUser(7, 'jana')).toBe(false);
  });

  it('numbers clocks past every earlier one, across a take-over after the retention', () => {
    const { claims, advance } = claimsAt();
    claims.claim(7, 'anna');
    const first = claims.nextClock(7);
    expect(first).toBeGreaterThanOrEqual(1_000_000);
    const second = claims.nextClock(7);
    expect(second).toBe(first + 1); // the wall clock did not move
    claims.release(7);
    advance(RETENTION_MS + 1);
    claims.claim(7, 'jana');
    expect(claims.nextClock(7)).toBeGreaterThan(second);
  });

  it('forgets expired ids (bounded memory), not connected ones', () => {
    const { claims, advance } = claimsAt();
    for (let id = 1; id <= 100; id++) claims.claim(id, 'anna');
    for (let id = 1; id <= 99; id++) claims.release(id);
    advance(RETENTION_MS + 1);
    claims.claim(500, 'laszlo');
    claims.release(500); // a release prunes (at most once per minute)
    expect(claims.size).toBe(2); // id 100 (still connected) and 500 (within its retention)
  });

  it('keeps at most maxPerUser ids of a user: the oldest released goes first, a connected one never', () => {
    const { claims, advance } = claimsAt(1_000_000, { maxPerUser: 3, maxTotal: 100 });
    claims.claim(1, 'eve'); // stays connected
    for (let id = 2; id <= 10; id++) {
      claims.claim(id, 'eve');
      advance(1);
      claims.release(id);
    }
    expect(claims.idsOf('eve')).toBe(3);
    expect(claims.heldByAnotherUser(1, 'anna')).toBe(true);
    expect(claims.heldByAnotherUser(9, 'anna')).toBe(true);
    expect(claims.heldByAnotherUser(10, 'anna')).toBe(true);
    expect(claims.heldByAnotherUser(8, 'anna')).toBe(false);
  });

  it('keeps at most maxTotal ids: released ones are forgotten oldest first, connected ones never', () => {
    const { claims, advance } = claimsAt(1_000_000, { maxPerUser: 100, maxTotal: 4 });
    claims.claim(1, 'anna'); // stays connected
    claims.claim(2, 'eve');
    advance(1);
    claims.release(2);
    claims.claim(3, 'jana');
    advance(1);
    claims.release(3);
    claims.claim(2, 'eve'); // reconnected: connected again, no longer among the released
    claims.claim(4, 'eve');
    claims.claim(5, 'laszlo'); // full: 3, the oldest released, goes
    expect(claims.size).toBe(4);
    expect(claims.isHeld(3)).toBe(false);
    for (const id of [1, 2, 4, 5]) expect(claims.isHeld(id)).toBe(true);
    claims.claim(6, 'laszlo'); // nothing released: allowed past the bound (one id per open connection)
    expect(claims.size).toBe(5);
  });
});
