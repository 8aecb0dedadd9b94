/**
 * The contract of AsyncDocumentRepository (documents' records and
 * per-document roles), run against SQLite
 * (tests/integration/documentRepository.contract.test.ts) and PostgreSQL
 * (tests/services/documentRepository.test.ts).
 */
import type { Role } from '@draftroom/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { docFromStoredState } from '../../server/src/collab/documentStorage';
import { isForeignKeyViolation } from '../../server/src/store/constraintErrors';
import { nowIso } from '../../server/src/store/database';
import { fixturePerTest } from './fixturePerTest';
import {
  addParticipant,
  addUser,
  type IdentityFixture,
  type MakeIdentityFixture,
  stateWithText,
} from './identityRepositories';
import { waitFor } from './waitFor';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DOCUMENT_ID = /^[A-Za-z0-9_-]{12}$/;

/** A process with Austria (drafter) and ICMPD (pen-holder), a user of each, an outsider, and one document. */
async function negotiation(store: IdentityFixture) {
  const process = await store.processes.create('Prague Process', 'Migration dialogue');
  const austria = await addParticipant(store, 'AT', { name: 'Austria' });
  const icmpd = await addParticipant(store, 'ICMPD', { name: 'ICMPD', kind: 'organisation' });
  const outsiders = await addParticipant(store, 'OUT', { name: 'Outsiders' });
  await store.processes.setParticipant(process.id, austria.id, 'drafter');
  await store.processes.setParticipant(process.id, icmpd.id, 'pen-holder');
  const anna = await addUser(store, austria.id, 'anna@example.org', { name: 'Anna' });
  const ivan = await addUser(store, icmpd.id, 'ivan@example.org', { name: 'Ivan' });
  const olga = await addUser(store, outsiders.id, 'olga@example.org', { name: 'Olga' });
  const documentId = await store.documents.create(process.id, 'Action Plan', stateWithText('Preamble.'));
  return { process, austria, icmpd, outsiders, anna, ivan, olga, documentId };
}

/** The contract every AsyncDocumentRepository implementation must meet. */
export function describeDocumentRepositoryContract(name: string, makeFixture: MakeIdentityFixture): void {
  describe(`DocumentRepository contract: ${name}`, () => {
    const fresh = fixturePerTest(makeFixture);
    const listedAt = async (store: IdentityFixture, documentId: string) =>
      (await store.documents.listAll()).find((document) => document.id === documentId)?.updatedAt;

    it('creates a document of a process, stored with its initial content owned by the server', async () => {
      const store = await fresh();
      const process = await store.processes.create('Prague Process', '');
      const id = await store.documents.create(process.id, 'Action Plan', stateWithText('Preamble.', 777));
      expect(id).toMatch(DOCUMENT_ID);
      expect(await store.documents.exists(id)).toBe(true);
      expect(await store.documents.findProcessId(id)).toBe(process.id);
      expect(await store.documents.exists('no-such-doc')).toBe(false);
      expect(await store.documents.findProcessId('no-such-doc')).toBeUndefined();
      const stored = await store.documentStorage.load(id);
      expect(stored.updates).toEqual([]);
      expect(docFromStoredState(stored).getText('t').toString()).toBe('Preamble.');
      expect(await store.documentStorage.loadClientIds(id)).toEqual(new Map([[777, 'server']]));
      const doc = docFromStoredState(stored);
      const updates: Uint8Array[] = [];
      doc.on('update', (update: Uint8Array) => updates.push(update));
      doc.getText('t').insert(9, ' Clause 1.');
      await store.documentStorage.appendUpdates(id, updates, { userId: 'u', participantId: 'p' });
      expect(
        docFromStoredState(await store.documentStorage.load(id))
          .getText('t')
          .toString(),
      ).toBe('Preamble. Clause 1.');
    });

    it('refuses a document of an unknown process, or with a state that is not a Yjs update, storing nothing', async () => {
      const store = await fresh();
      const process = await store.processes.create('Prague Process', '');
      const error = await store.documents
        .create('no-such-process', 'Orphan', stateWithText('x'))
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(error)).toBe(true);
      await expect(
        store.documents.create(process.id, 'Garbage', new Uint8Array([255, 255, 255])),
      ).rejects.toThrow();
      expect(await store.documents.listAll()).toEqual([]);
    });

    it("gives a user the participant's default role, or the explicit one, or none", async () => {
      const store = await fresh();
      const { process, anna, ivan, olga, documentId } = await negotiation(store);
      const summary = await store.documents.findAccessible(documentId, anna);
      expect(summary).toEqual({
        id: documentId,
        title: 'Action Plan',
        updatedAt: await listedAt(store, documentId),
        role: 'drafter',
        process: { id: process.id, name: 'Prague Process', description: 'Migration dialogue' },
      });
      expect((await store.documents.findAccessible(documentId, ivan))?.role).toBe('pen-holder');
      expect(await store.documents.findAccessible(documentId, olga)).toBeUndefined();
      expect(await store.documents.findAccessible(documentId, 'no-such-user')).toBeUndefined();
      expect(await store.documents.findAccessible('no-such-doc', anna)).toBeUndefined();

      await store.documents.setUserRole(documentId, olga, 'commenter');
      expect((await store.documents.findAccessible(documentId, olga))?.role).toBe('commenter');
      await store.documents.setUserRole(documentId, olga, 'observer');
      expect((await store.documents.findAccessible(documentId, olga))?.role).toBe('observer');
      await store.documents.setUserRole(documentId, anna, 'none');
      expect(await store.documents.findAccessible(documentId, anna)).toBeUndefined();
      expect(await store.documents.listAccessible(anna)).toEqual([]);
      await store.documents.clearUserRole(documentId, anna);
      await store.documents.clearUserRole(documentId, 'no-such-user');
      expect((await store.documents.findAccessible(documentId, anna))?.role).toBe('drafter');
    });

    it('lists the documents a user may see by process name, then title, in code point order', async () => {
      const store = await fresh();
      const { process, anna, olga, documentId } = await negotiation(store);
      const austria = (await store.users.findById(anna))?.participant.id ?? '';
      const budapest = await store.processes.create('Budapest Process', '');
      const lower = await store.processes.create('alpha talks', '');
      const closed = await store.processes.create('Closed Process', '');
      for (const each of [budapest, lower])
        await store.processes.setParticipant(each.id, austria, 'commenter');
      const empty = stateWithText('');
      const declaration = await store.documents.create(process.id, 'Declaration', empty);
      const annex = await store.documents.create(process.id, 'annex', empty);
      const budapestPlan = await store.documents.create(budapest.id, 'Work Plan', empty);
      const lowerDoc = await store.documents.create(lower.id, 'Minutes', empty);
      const hidden = await store.documents.create(closed.id, 'Hidden', empty);
      const visible = await store.documents.listAccessible(anna);
      expect(visible.map((document) => [document.id, document.role])).toEqual([
        [budapestPlan, 'commenter'],
        [documentId, 'drafter'],
        [declaration, 'drafter'],
        [annex, 'drafter'],
        [lowerDoc, 'commenter'],
      ]);
      expect(visible[1]).toEqual(await store.documents.findAccessible(documentId, anna));
      expect(await store.documents.listAccessible(olga)).toEqual([]);
      await store.documents.setUserRole(hidden, olga, 'observer');
      expect((await store.documents.listAccessible(olga)).map((document) => document.title)).toEqual([
        'Hidden',
      ]);
      expect(await store.documents.listAccessible('no-such-user')).toEqual([]);
    });

    it('lists every document for administrators, by process name, then title', async () => {
      const store = await fresh();
      expect(await store.documents.listAll()).toEqual([]);
      const prague = await store.processes.create('Prague Process', '');
      const budapest = await store.processes.create('Budapest Process', '');
      const empty = stateWithText('');
      const plan = await store.documents.create(prague.id, 'Action Plan', empty);
      const work = await store.documents.create(budapest.id, 'Work Plan', empty);
      const declaration = await store.documents.create(budapest.id, 'Declaration', empty);
      const listed = await store.documents.listAll();
      expect(
        listed.map(({ id, title, processId, processName }) => ({ id, title, processId, processName })),
      ).toEqual([
        { id: declaration, title: 'Declaration', processId: budapest.id, processName: 'Budapest Process' },
        { id: work, title: 'Work Plan', processId: budapest.id, processName: 'Budapest Process' },
        { id: plan, title: 'Action Plan', processId: prague.id, processName: 'Prague Process' },
      ]);
      for (const document of listed) {
        expect(Object.keys(document).sort()).toEqual([
          'id',
          'processId',
          'processName',
          'title',
          'updatedAt',
        ]);
        expect(document.updatedAt).toMatch(ISO);
      }
    });

    it("lists every user's explicit and default role on a document, by participant code, then name", async () => {
      const store = await fresh();
      const { austria, anna, ivan, olga, documentId } = await negotiation(store);
      const adam = await addUser(store, austria.id, 'adam@example.org', { name: 'Adam' });
      await store.documents.setUserRole(documentId, olga, 'observer');
      await store.documents.setUserRole(documentId, ivan, 'none');
      expect(await store.documents.listUserRoles(documentId)).toEqual([
        {
          userId: adam,
          name: 'Adam',
          email: 'adam@example.org',
          participantCode: 'AT',
          explicitRole: null,
          defaultRole: 'drafter',
        },
        {
          userId: anna,
          name: 'Anna',
          email: 'anna@example.org',
          participantCode: 'AT',
          explicitRole: null,
          defaultRole: 'drafter',
        },
        {
          userId: ivan,
          name: 'Ivan',
          email: 'ivan@example.org',
          participantCode: 'ICMPD',
          explicitRole: 'none',
          defaultRole: 'pen-holder',
        },
        {
          userId: olga,
          name: 'Olga',
          email: 'olga@example.org',
          participantCode: 'OUT',
          explicitRole: 'observer',
          defaultRole: null,
        },
      ]);
      expect(await store.documents.listUserRoles('no-such-doc')).toEqual([]);
    });

    it('refuses a role for an unknown user or document, or an unknown role, changing nothing', async () => {
      const store = await fresh();
      const { anna, documentId } = await negotiation(store);
      const unknownUser = await store.documents
        .setUserRole(documentId, 'no-such-user', 'drafter')
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(unknownUser)).toBe(true);
      const unknownDocument = await store.documents
        .setUserRole('no-such-doc', anna, 'drafter')
        .catch((e: unknown) => e);
      expect(isForeignKeyViolation(unknownDocument)).toBe(true);
      await expect(store.documents.setUserRole(documentId, anna, 'chair' as Role)).rejects.toThrow();
      const roles = await store.documents.listUserRoles(documentId);
      expect(roles.every((role) => role.explicitRole === null)).toBe(true);
    });

    it('is updated when created, then at each commit of updates, and a compaction keeps that time', async () => {
      const store = await fresh();
      const { anna, documentId: other } = await negotiation(store);
      const otherAt = await listedAt(store, other);
      const processId = (await store.documents.findProcessId(other)) ?? '';
      const beforeCreate = nowIso();
      const id = await store.documents.create(processId, 'Declaration', stateWithText('Text.', 55));
      const created = await listedAt(store, id);
      expect(created).toMatch(ISO);
      expect(created! >= beforeCreate && created! <= nowIso()).toBe(true);
      await waitFor(() => nowIso() > (created ?? ''), { what: 'the clock to pass the creation time' });

      const doc = new Y.Doc();
      Y.applyUpdate(doc, stateWithText('Text.', 55));
      const updates: Uint8Array[] = [];
      doc.on('update', (update: Uint8Array) => updates.push(update));
      doc.getText('t').insert(0, 'New ');
      const beforeCommit = nowIso();
      const { lastUpdateId } = await store.documentStorage.appendUpdates(id, updates, {
        userId: anna,
        participantId: 'p',
      });
      const afterCommit = nowIso();
      const committed = await listedAt(store, id);
      expect(committed).toMatch(ISO);
      expect(committed! >= beforeCommit && committed! <= afterCommit).toBe(true);
      expect(committed! > created!).toBe(true);
      expect((await store.documents.findAccessible(id, anna))?.updatedAt).toBe(committed);
      expect((await store.documents.listAccessible(anna)).find((d) => d.id === id)?.updatedAt).toBe(
        committed,
      );

      await store.documentStorage.compact(id, Y.encodeStateAsUpdate(doc), lastUpdateId);
      expect(await store.documentStorage.countUpdates(id)).toBe(0);
      expect(await listedAt(store, id)).toBe(committed);
      expect(await listedAt(store, other)).toBe(otherAt);
    });

    it('documents created and roles set through two instances at once: all kept, one role row per user', async () => {
      const store = await fresh();
      const { process, olga, documentId } = await negotiation(store);
      const instances = [store, store.instance()];
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (instances[i % 2] ?? store).documents.create(process.id, `Draft ${i}`, stateWithText(`d${i}`)),
        ),
      );
      expect(new Set(created).size).toBe(10);
      expect((await store.documents.listAll()).length).toBe(11);
      const roles: Role[] = ['observer', 'commenter', 'drafter'];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (instances[i % 2] ?? store).documents.setUserRole(documentId, olga, roles[i % 3] ?? 'observer'),
        ),
      );
      const olgaRoles = (await store.documents.listUserRoles(documentId)).filter(
        (role) => role.userId === olga,
      );
      expect(olgaRoles).toHaveLength(1);
      expect(roles).toContain(olgaRoles[0]?.explicitRole);
      expect(roles).toContain((await store.instance().documents.findAccessible(documentId, olga))?.role);
    });
  });
}
