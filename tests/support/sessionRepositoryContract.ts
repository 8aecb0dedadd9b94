/**
 * The contract of AsyncSessionRepository (sign-in sessions by token hash),
 * run against SQLite (tests/integration/sessionRepository.contract.test.ts)
 * and PostgreSQL (tests/services/sessionRepository.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from '../../server/src/store/constraintErrors';
import { fixturePerTest } from './fixturePerTest';
import { addParticipant, addUser, type MakeIdentityFixture } from './identityRepositories';

const T0 = new Date('2026-11-30T08:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const HOUR = 3_600_000;

/** The contract every AsyncSessionRepository implementation must meet. */
export function describeSessionRepositoryContract(name: string, makeFixture: MakeIdentityFixture): void {
  describe(`SessionRepository contract: ${name}`, () => {
    const freshStore = fixturePerTest(makeFixture);
    const fresh = async () => {
      const store = await freshStore();
      const delegation = await addParticipant(store, 'AT');
      const alice = await addUser(store, delegation.id, 'alice@example.org');
      const bruno = await addUser(store, delegation.id, 'bruno@example.org');
      return { store, alice, bruno };
    };

    it('finds a session until it expires, with its expiry to the millisecond; not at or after expiry', async () => {
      const { store, alice } = await fresh();
      const expiresAt = at(12 * HOUR + 123);
      await store.sessions.create('hash-a', alice, T0, expiresAt);
      expect(await store.sessions.findUserId('hash-a', T0)).toBe(alice);
      const found = await store.sessions.findSession('hash-a', at(12 * HOUR + 122));
      expect(found).toEqual({ userId: alice, expiresAt });
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(found?.expiresAt.toISOString()).toBe('2026-11-30T20:00:00.123Z');
      expect(await store.sessions.findUserId('hash-a', expiresAt)).toBeUndefined();
      expect(await store.sessions.findSession('hash-a', expiresAt)).toBeUndefined();
      expect(await store.sessions.findSession('hash-a', at(13 * HOUR))).toBeUndefined();
    });

    it('knows no unknown token', async () => {
      const { store } = await fresh();
      expect(await store.sessions.findUserId('never-issued', T0)).toBeUndefined();
      expect(await store.sessions.findSession('never-issued', T0)).toBeUndefined();
    });

    it('refuses a second session with the same token hash, keeping the first as it was', async () => {
      const { store, alice, bruno } = await fresh();
      await store.sessions.create('hash-a', alice, T0, at(HOUR));
      const error = await store.sessions.create('hash-a', bruno, T0, at(2 * HOUR)).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await store.sessions.findSession('hash-a', T0)).toEqual({ userId: alice, expiresAt: at(HOUR) });
    });

    it('refuses a session of an unknown user, storing nothing', async () => {
      const { store } = await fresh();
      const error = await store.sessions
        .create('hash-x', 'no-such-user', T0, at(HOUR))
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(error)).toBe(true);
      expect(await store.sessions.findUserId('hash-x', T0)).toBeUndefined();
    });

    it('deletes one session; deleting an unknown one is no error', async () => {
      const { store, alice } = await fresh();
      await store.sessions.create('hash-a', alice, T0, at(HOUR));
      await store.sessions.create('hash-b', alice, T0, at(HOUR));
      await store.sessions.delete('hash-a');
      await store.sessions.delete('never-issued');
      expect(await store.sessions.findUserId('hash-a', T0)).toBeUndefined();
      expect(await store.sessions.findUserId('hash-b', T0)).toBe(alice);
    });

    it("deletes all of a user's sessions, or all but one, and no one else's", async () => {
      const { store, alice, bruno } = await fresh();
      for (const hash of ['a1', 'a2', 'a3']) await store.sessions.create(hash, alice, T0, at(HOUR));
      await store.sessions.create('b1', bruno, T0, at(HOUR));
      await store.sessions.deleteForUserExcept(alice, 'a2');
      expect(await store.sessions.findUserId('a1', T0)).toBeUndefined();
      expect(await store.sessions.findUserId('a2', T0)).toBe(alice);
      expect(await store.sessions.findUserId('a3', T0)).toBeUndefined();
      expect(await store.sessions.findUserId('b1', T0)).toBe(bruno);
      await store.sessions.deleteForUser(alice);
      await store.sessions.deleteForUser('no-such-user');
      expect(await store.sessions.findUserId('a2', T0)).toBeUndefined();
      expect(await store.sessions.findUserId('b1', T0)).toBe(bruno);
    });

    it('deletes the sessions expired at a time (expiring exactly then included) and says how many', async () => {
      const { store, alice, bruno } = await fresh();
      await store.sessions.create('past', alice, T0, at(HOUR));
      await store.sessions.create('exactly', bruno, T0, at(2 * HOUR));
      await store.sessions.create('future', alice, T0, at(2 * HOUR + 1));
      expect(await store.sessions.deleteExpired(at(2 * HOUR))).toBe(2);
      expect(await store.sessions.deleteExpired(at(2 * HOUR))).toBe(0);
      expect(await store.sessions.findUserId('future', at(2 * HOUR))).toBe(alice);
      expect(await store.sessions.findUserId('exactly', at(HOUR))).toBeUndefined();
      expect(await store.sessions.findUserId('past', T0)).toBeUndefined();
    });

    it('a session opened through one instance is found, then closed, through another', async () => {
      const { store, alice } = await fresh();
      const other = store.instance();
      await store.sessions.create('hash-a', alice, T0, at(HOUR));
      expect(await other.sessions.findSession('hash-a', T0)).toEqual({ userId: alice, expiresAt: at(HOUR) });
      await other.sessions.delete('hash-a');
      expect(await store.sessions.findUserId('hash-a', T0)).toBeUndefined();
    });
  });
}
