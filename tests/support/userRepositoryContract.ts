/**
 * The contract of AsyncUserRepository (accounts, each of one participant),
 * run against SQLite (tests/integration/userRepository.contract.test.ts) and
 * PostgreSQL (tests/services/userRepository.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from '../../server/src/store/constraintErrors';
import { fixturePerTest } from './fixturePerTest';
import { addParticipant, addUser, type MakeIdentityFixture } from './identityRepositories';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The contract every AsyncUserRepository implementation must meet. */
export function describeUserRepositoryContract(name: string, makeFixture: MakeIdentityFixture): void {
  describe(`UserRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);

    it('creates an account with its participant, lower-casing the address', async () => {
      const store = await fresh();
      const austria = await addParticipant(store, 'AT', { name: 'Austria' });
      const id = await store.users.create({
        email: 'Anna.Huber@Example.ORG',
        name: 'Anna Huber',
        participantId: austria.id,
        passwordHash: 'scrypt$1',
        isAdmin: true,
      });
      expect(id).toMatch(UUID);
      const profile = {
        id,
        email: 'anna.huber@example.org',
        name: 'Anna Huber',
        isAdmin: true,
        participant: { id: austria.id, code: 'AT', name: 'Austria', kind: 'state', color: '#336699' },
      };
      expect(await store.users.findById(id)).toEqual(profile);
      expect(await store.users.findByEmail('anna.huber@example.org')).toEqual({
        profile,
        passwordHash: 'scrypt$1',
      });
      const plain = await addUser(store, austria.id, 'bob@example.org');
      expect((await store.users.findById(plain))?.isAdmin).toBe(false);
    });

    it('finds an address with its ASCII letters in any case, and no other', async () => {
      const store = await fresh();
      const delegation = await addParticipant(store, 'FR');
      const id = await addUser(store, delegation.id, 'émile@example.org');
      expect((await store.users.findByEmail('ÉMILE@EXAMPLE.ORG'))?.profile.id).toBeUndefined();
      expect((await store.users.findByEmail('émile@EXAMPLE.Org'))?.profile.id).toBe(id);
      expect(await store.users.findByEmail('emile@example.org')).toBeUndefined();
      expect(await store.users.findByEmail('')).toBeUndefined();
      expect(await store.users.findById('no-such-user')).toBeUndefined();
    });

    it('refuses a second account with the same address in another case, storing nothing', async () => {
      const store = await fresh();
      const delegation = await addParticipant(store, 'DE');
      const first = await addUser(store, delegation.id, 'jan@example.org', { name: 'Jan' });
      const error = await addUser(store, delegation.id, 'JAN@example.org', { name: 'Other Jan' }).catch(
        (e: unknown) => e,
      );
      expect(isUniqueViolation(error)).toBe(true);
      expect((await store.users.list()).map((user) => user.id)).toEqual([first]);
      expect((await store.users.findByEmail('jan@example.org'))?.profile.name).toBe('Jan');
    });

    it('creating one address through two instances at once: exactly one account', async () => {
      const store = await fresh();
      const delegation = await addParticipant(store, 'CZ');
      const instances = [store, store.instance()];
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          addUser(instances[i % 2] ?? store, delegation.id, 'shared@example.org', { name: `Try ${i}` }),
        ),
      );
      const created = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      expect(created).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(isUniqueViolation(outcome.reason)).toBe(true);
      }
      const listed = await store.users.list();
      expect(listed.map((user) => user.id)).toEqual([(created[0] as PromiseFulfilledResult<string>).value]);
    });

    it('refuses an account of an unknown participant, storing nothing', async () => {
      const store = await fresh();
      const error = await store.users
        .create({
          email: 'x@example.org',
          name: 'X',
          participantId: 'nobody',
          passwordHash: 'h',
          isAdmin: false,
        })
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(error)).toBe(true);
      expect(await store.users.findByEmail('x@example.org')).toBeUndefined();
      expect(await store.users.list()).toEqual([]);
    });

    it('lists accounts by participant name, then user name, in code point order', async () => {
      const store = await fresh();
      expect(await store.users.list()).toEqual([]);
      const zeta = await addParticipant(store, 'ZZ', { name: 'Zeta' });
      const lower = await addParticipant(store, 'LO', { name: 'alpha' });
      const accented = await addParticipant(store, 'AC', { name: 'Émilie' });
      await addUser(store, accented.id, 'e1@example.org', { name: 'Yves' });
      await addUser(store, lower.id, 'l1@example.org', { name: 'bea' });
      await addUser(store, zeta.id, 'z1@example.org', { name: 'mia' });
      await addUser(store, lower.id, 'l2@example.org', { name: 'Ada' });
      await addUser(store, zeta.id, 'z2@example.org', { name: 'Lea' });
      const listed = await store.users.list();
      expect(listed.map((user) => `${user.participant.name}/${user.name}`)).toEqual([
        'Zeta/Lea',
        'Zeta/mia',
        'alpha/Ada',
        'alpha/bea',
        'Émilie/Yves',
      ]);
      expect(listed[0]).toEqual(await store.users.findById(listed[0]?.id ?? ''));
    });

    it('replaces a password hash; an unknown id changes nothing', async () => {
      const store = await fresh();
      const delegation = await addParticipant(store, 'IT');
      const id = await addUser(store, delegation.id, 'lucia@example.org', { passwordHash: 'old' });
      const other = await addUser(store, delegation.id, 'marco@example.org', { passwordHash: 'kept' });
      await store.users.setPasswordHash(id, 'new');
      await store.users.setPasswordHash('no-such-user', 'ignored');
      expect((await store.users.findByEmail('lucia@example.org'))?.passwordHash).toBe('new');
      expect((await store.users.findByEmail('marco@example.org'))?.passwordHash).toBe('kept');
      expect((await store.users.findById(other))?.email).toBe('marco@example.org');
    });
  });
}
