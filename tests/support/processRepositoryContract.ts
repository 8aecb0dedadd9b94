/**
 * The contract of AsyncProcessRepository (dialogues, their participants and
 * default roles), run against SQLite
 * (tests/integration/processRepository.contract.test.ts) and PostgreSQL
 * (tests/services/processRepository.test.ts).
 */
import type { Role } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import { isForeignKeyViolation, isUniqueViolation } from '../../server/src/store/constraintErrors';
import { fixturePerTest } from './fixturePerTest';
import { addParticipant, type MakeIdentityFixture } from './identityRepositories';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The contract every AsyncProcessRepository implementation must meet. */
export function describeProcessRepositoryContract(name: string, makeFixture: MakeIdentityFixture): void {
  describe(`ProcessRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);

    it('creates processes, counts them and finds one by its exact name', async () => {
      const store = await fresh();
      expect(await store.processes.count()).toBe(0);
      const prague = await store.processes.create('Prague Process', 'Migration dialogue');
      expect(prague).toEqual({ id: prague.id, name: 'Prague Process', description: 'Migration dialogue' });
      expect(prague.id).toMatch(UUID);
      await store.processes.create('Budapest Process', '');
      expect(await store.processes.count()).toBe(2);
      expect(await store.processes.findByName('Prague Process')).toEqual(prague);
      expect(await store.processes.findByName('prague process')).toBeUndefined();
      expect(await store.processes.findByName('Rabat Process')).toBeUndefined();
    });

    it('refuses a second process with the same name, storing nothing', async () => {
      const store = await fresh();
      const first = await store.processes.create('Prague Process', 'first');
      const error = await store.processes.create('Prague Process', 'second').catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await store.processes.list()).toEqual([first]);
      expect(await store.processes.count()).toBe(1);
    });

    it('lists processes by name in code point order', async () => {
      const store = await fresh();
      expect(await store.processes.list()).toEqual([]);
      for (const name of [
        'Rabat Process',
        'budapest Process',
        'Prague Process',
        'Åland Talks',
        'Khartoum Process',
      ]) {
        await store.processes.create(name, '');
      }
      expect((await store.processes.list()).map((process) => process.name)).toEqual([
        'Khartoum Process',
        'Prague Process',
        'Rabat Process',
        'budapest Process',
        'Åland Talks',
      ]);
    });

    it('sets, lists and changes default roles of participants, by kind then name', async () => {
      const store = await fresh();
      const prague = await store.processes.create('Prague Process', '');
      const other = await store.processes.create('Budapest Process', '');
      const austria = await addParticipant(store, 'AT', { name: 'Austria', kind: 'state' });
      const icmpd = await addParticipant(store, 'ICMPD', { name: 'ICMPD', kind: 'organisation' });
      const albania = await addParticipant(store, 'AL', { name: 'Albania', kind: 'state' });
      await store.processes.setParticipant(prague.id, austria.id, 'drafter');
      await store.processes.setParticipant(prague.id, icmpd.id, 'pen-holder');
      await store.processes.setParticipant(prague.id, albania.id, 'observer');
      await store.processes.setParticipant(other.id, austria.id, 'commenter');
      await store.processes.setParticipant(prague.id, albania.id, 'commenter');
      expect(await store.processes.listMemberships(prague.id)).toEqual([
        { participantId: icmpd.id, code: 'ICMPD', name: 'ICMPD', defaultRole: 'pen-holder' },
        { participantId: albania.id, code: 'AL', name: 'Albania', defaultRole: 'commenter' },
        { participantId: austria.id, code: 'AT', name: 'Austria', defaultRole: 'drafter' },
      ]);
      expect(await store.processes.listMemberships(other.id)).toEqual([
        { participantId: austria.id, code: 'AT', name: 'Austria', defaultRole: 'commenter' },
      ]);
      expect(await store.processes.listMemberships('no-such-process')).toEqual([]);
    });

    it('refuses a membership of an unknown process or participant, or with an unknown role', async () => {
      const store = await fresh();
      const prague = await store.processes.create('Prague Process', '');
      const austria = await addParticipant(store, 'AT');
      const unknownProcess = await store.processes
        .setParticipant('no-such-process', austria.id, 'drafter')
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(unknownProcess)).toBe(true);
      const unknownParticipant = await store.processes
        .setParticipant(prague.id, 'no-such-participant', 'drafter')
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(unknownParticipant)).toBe(true);
      await expect(store.processes.setParticipant(prague.id, austria.id, 'chair' as Role)).rejects.toThrow();
      expect(await store.processes.listMemberships(prague.id)).toEqual([]);
    });

    it('one membership set through two instances at once: one row, holding one of the roles set', async () => {
      const store = await fresh();
      const prague = await store.processes.create('Prague Process', '');
      const austria = await addParticipant(store, 'AT', { name: 'Austria' });
      const instances = [store, store.instance()];
      const roles: Role[] = ['drafter', 'commenter', 'observer', 'pen-holder'];
      await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          (instances[i % 2] ?? store).processes.setParticipant(
            prague.id,
            austria.id,
            roles[i % 4] ?? 'drafter',
          ),
        ),
      );
      const memberships = await store.processes.listMemberships(prague.id);
      expect(memberships).toHaveLength(1);
      expect(roles).toContain(memberships[0]?.defaultRole);
      await store.processes.setParticipant(prague.id, austria.id, 'observer');
      expect(await store.instance().processes.listMemberships(prague.id)).toEqual([
        { participantId: austria.id, code: 'AT', name: 'Austria', defaultRole: 'observer' },
      ]);
    });
  });
}
