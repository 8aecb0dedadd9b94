/**
 * The contract of AsyncParticipantRepository (delegations and
 * organisations), run against SQLite
 * (tests/integration/participantRepository.contract.test.ts) and PostgreSQL
 * (tests/services/participantRepository.test.ts).
 */
import type { ParticipantKind } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../server/src/store/constraintErrors';
import { fixturePerTest } from './fixturePerTest';
import { addParticipant, type MakeIdentityFixture } from './identityRepositories';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The contract every AsyncParticipantRepository implementation must meet. */
export function describeParticipantRepositoryContract(name: string, makeFixture: MakeIdentityFixture): void {
  describe(`ParticipantRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);

    it('creates a participant and finds it by id and by exact code', async () => {
      const store = await fresh();
      const created = await store.participants.create({
        code: 'EU-COM',
        name: 'European Commission',
        kind: 'eu-institution',
        color: '#003399',
      });
      expect(created.id).toMatch(UUID);
      expect(created).toEqual({
        id: created.id,
        code: 'EU-COM',
        name: 'European Commission',
        kind: 'eu-institution',
        color: '#003399',
      });
      expect(Object.keys(created)).toEqual(['id', 'code', 'name', 'kind', 'color']);
      expect(await store.participants.findById(created.id)).toEqual(created);
      expect(await store.participants.findByCode('EU-COM')).toEqual(created);
      expect(await store.participants.findByCode('eu-com')).toBeUndefined();
      expect(await store.participants.findByCode('NOPE')).toBeUndefined();
      expect(await store.participants.findById('no-such-participant')).toBeUndefined();
    });

    it('refuses a second participant with the same code, storing nothing', async () => {
      const store = await fresh();
      const first = await addParticipant(store, 'AT', { name: 'Austria' });
      const error = await addParticipant(store, 'AT', { name: 'Other Austria' }).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await store.participants.list()).toEqual([first]);
    });

    it('refuses a kind outside state, organisation and EU institution', async () => {
      const store = await fresh();
      await expect(
        addParticipant(store, 'XX', { kind: 'observer-state' as ParticipantKind }),
      ).rejects.toThrow();
      expect(await store.participants.findByCode('XX')).toBeUndefined();
    });

    it('codes created through two instances at once are all kept, each once', async () => {
      const store = await fresh();
      const instances = [store, store.instance()];
      const codes = Array.from({ length: 12 }, (_, i) => `P${String(i).padStart(2, '0')}`);
      await Promise.all(codes.map((code, i) => addParticipant(instances[i % 2] ?? store, code)));
      const listed = await store.participants.list();
      expect(listed.map((participant) => participant.code).sort()).toEqual(codes);
    });

    it('lists participants by name in code point order', async () => {
      const store = await fresh();
      expect(await store.participants.list()).toEqual([]);
      for (const [code, name] of [
        ['SK', 'Slovakia'],
        ['ICMPD', 'icmpd'],
        ['AT', 'Austria'],
        ['AL', 'Ålandia'],
        ['BG', 'Bulgaria'],
      ] as const) {
        await addParticipant(store, code, { name });
      }
      expect((await store.participants.list()).map((participant) => participant.name)).toEqual([
        'Austria',
        'Bulgaria',
        'Slovakia',
        'icmpd',
        'Ålandia',
      ]);
    });

    it("lists a process's participants by kind, then name; none for an unknown process", async () => {
      const store = await fresh();
      const process = await store.processes.create('Prague Process', '');
      const other = await store.processes.create('Budapest Process', '');
      const austria = await addParticipant(store, 'AT', { name: 'Austria', kind: 'state' });
      const commission = await addParticipant(store, 'COM', { name: 'Commission', kind: 'eu-institution' });
      const icmpd = await addParticipant(store, 'ICMPD', { name: 'ICMPD', kind: 'organisation' });
      const albania = await addParticipant(store, 'ALB', { name: 'Albania', kind: 'state' });
      const outsider = await addParticipant(store, 'OUT', { name: 'Outsider', kind: 'state' });
      for (const participant of [austria, commission, icmpd, albania]) {
        await store.processes.setParticipant(process.id, participant.id, 'drafter');
      }
      await store.processes.setParticipant(other.id, outsider.id, 'observer');
      expect(await store.participants.listForProcess(process.id)).toEqual([
        commission,
        icmpd,
        albania,
        austria,
      ]);
      expect(await store.participants.listForProcess(other.id)).toEqual([outsider]);
      expect(await store.participants.listForProcess('no-such-process')).toEqual([]);
    });
  });
}
