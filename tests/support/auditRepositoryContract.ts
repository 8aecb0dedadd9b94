/**
 * The contract every AuditRepository implementation must meet (one suite,
 * run against each): SQLite in tests/integration/auditRepository.contract.test.ts,
 * PostgreSQL in tests/services/auditRepository.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditRow,
  type Checkpoint,
  GENESIS_HASH,
  hashAuditEntry,
  macOfCheckpoint,
  macOfEntry,
  type UnsignedCheckpoint,
} from '../../server/src/audit/auditChain';
import type { AuditFields, AuditRepository } from '../../server/src/audit/auditStore';
import { type AuditVerification, verifyAuditChain } from '../../server/src/audit/auditVerifier';
import { expectRecentIso } from './amendmentRepositoryFixture';

/** A repository under test on an audit log of its own, and a second one on the same log. */
export interface AuditRepositoryFixture {
  audit: AuditRepository;
  /** The same log through what another server instance would hold (its own connections where there are any). */
  otherInstance: AuditRepository;
  /** Empties the log (between tests). */
  clear(): Promise<void>;
  /** Writes a row as it is, bypassing the chain (an entry from before the chain was keyed). */
  insertRaw(row: AuditRow): Promise<void>;
  dispose(): Promise<void>;
}

const key = randomBytes(32);
const genesis = { seq: 0, hash: GENESIS_HASH };

/** Entry `n`'s fields: a sign-in with a detail whose characters and key order must survive as they are. */
function fields(n: number): AuditFields {
  return {
    actor_user_id: n % 4 === 0 ? null : `user-${n}`,
    actor_email: n % 4 === 0 ? null : `delegate${n}@pl.example`,
    action: n % 2 ? 'sign-in' : 'amendment-decided',
    target: n % 3 ? `document:${n}` : '',
    detail: JSON.stringify({ z: n, a: 'Łódź — «ü» 🕊️', nested: { b: [n, null] } }),
    ip: n % 5 ? `192.0.2.${n % 250}` : '',
  };
}

/** Every row of the log, in id order, read in pages of three. */
async function allRows(audit: AuditRepository): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  for (;;) {
    const page = await audit.rowsAfter(rows.at(-1)?.id ?? 0, 3);
    rows.push(...page);
    if (page.length < 3) return rows;
  }
}

/** The audit log's verification of `rows` against a checkpoint of their head. */
function verified(rows: AuditRow[]): Promise<AuditVerification> {
  const last = rows.at(-1);
  const fieldsOf: UnsignedCheckpoint = {
    v: 2,
    seq: last?.id ?? 0,
    head: last?.hash ?? GENESIS_HASH,
    at: new Date().toISOString(),
    legacyThrough: 0,
    legacyHead: GENESIS_HASH,
    schema: 1,
    prev: '',
  };
  const checkpoint: Checkpoint = { ...fieldsOf, mac: macOfCheckpoint(key, fieldsOf) };
  return verifyAuditChain(rows, key, { state: 'ok', checkpoint });
}

/** The contract every AuditRepository implementation must meet. */
export function describeAuditRepositoryContract(
  name: string,
  makeFixture: () => Promise<AuditRepositoryFixture>,
): void {
  describe(`AuditRepository contract: ${name}`, () => {
    let fixture: AuditRepositoryFixture;
    beforeAll(async () => {
      fixture = await makeFixture();
    });
    beforeEach(async () => {
      await fixture.clear();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    it('an empty log: no head, not keyed, nothing listed, the genesis before any id', async () => {
      const { audit } = fixture;
      expect(await audit.head()).toBeUndefined();
      expect(await audit.isKeyed()).toBe(false);
      expect(await audit.list(10)).toEqual([]);
      expect(await audit.rowsAfter(0, 10)).toEqual([]);
      expect(await audit.firstKeyedId()).toBeUndefined();
      expect(await audit.entryBefore(5)).toEqual(genesis);
      expect(await audit.hashOf(1)).toBeUndefined();
    });

    it('appends entry 1 after the genesis: its fields as given, the time now, hashed by the public rule, MAC’d with the key', async () => {
      const { audit } = fixture;
      const row = await audit.append(fields(1), key, genesis);
      expect(row).toEqual({
        ...fields(1),
        id: 1,
        at: expect.any(String),
        prev_hash: GENESIS_HASH,
        hash: hashAuditEntry(row),
        mac: macOfEntry(key, 1, row.hash),
      });
      expectRecentIso(row.at);
      expect(await audit.head()).toEqual({ seq: 1, hash: row.hash });
      expect(await audit.isKeyed()).toBe(true);
      expect(await audit.firstKeyedId()).toBe(1);
      expect(await audit.list(10)).toEqual([row]);
      expect(await audit.hashOf(1)).toBe(row.hash);
      expect(await audit.entryBefore(2)).toEqual({ seq: 1, hash: row.hash });
    });

    it('chains each entry to the one before; lists newest first by page, reads oldest first after an id', async () => {
      const { audit } = fixture;
      const rows: AuditRow[] = [];
      for (let n = 1; n <= 7; n++) rows.push(await audit.append(fields(n), key, genesis));
      for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
      expect(await allRows(audit)).toEqual(rows);
      expect(await verified(rows)).toEqual({ ok: true, entries: 7, checkpoint: expect.any(Object) });
      expect((await audit.list(3)).map((row) => row.id)).toEqual([7, 6, 5]);
      expect((await audit.list(3, 5)).map((row) => row.id)).toEqual([4, 3, 2]);
      expect(await audit.list(3, 1)).toEqual([]);
      expect(await audit.list(2, 3)).toEqual([rows[1], rows[0]]);
      expect((await audit.rowsAfter(5, 10)).map((row) => row.id)).toEqual([6, 7]);
      expect(await audit.rowsAfter(7, 10)).toEqual([]);
      expect(await audit.entryBefore(4)).toEqual({ seq: 3, hash: rows[2]?.hash });
      expect(await audit.entryBefore(1)).toEqual(genesis);
      expect(await audit.hashOf(6)).toBe(rows[5]?.hash);
      expect(await audit.hashOf(8)).toBeUndefined();
    });

    it('continues after the floor when the checkpoints know a newer head than the database (entries removed), else after the stored head', async () => {
      const { audit } = fixture;
      const first = await audit.append(fields(1), key, genesis);
      const floor = { seq: 9, hash: 'f'.repeat(64) };
      const after = await audit.append(fields(2), key, floor);
      expect(after).toMatchObject({ id: 10, prev_hash: floor.hash, mac: macOfEntry(key, 10, after.hash) });
      const next = await audit.append(fields(3), key, { seq: 1, hash: first.hash });
      expect(next).toMatchObject({ id: 11, prev_hash: after.hash });
      expect(await audit.entryBefore(10)).toEqual({ seq: 1, hash: first.hash });
      expect((await allRows(audit)).map((row) => row.id)).toEqual([1, 10, 11]);
    });

    it('unkeyed entries from before the upgrade: not keyed until a MAC’d one is appended after them', async () => {
      const { audit, insertRaw } = fixture;
      const legacyFields = { ...fields(1), id: 1, at: '2020-01-01T00:00:00.000Z', prev_hash: GENESIS_HASH };
      const legacy: AuditRow = { ...legacyFields, hash: hashAuditEntry(legacyFields), mac: null };
      await insertRaw(legacy);
      expect(await audit.isKeyed()).toBe(false);
      expect(await audit.firstKeyedId()).toBeUndefined();
      expect(await audit.list(5)).toEqual([legacy]);
      const keyed = await audit.append(fields(2), key, genesis);
      expect(keyed).toMatchObject({ id: 2, prev_hash: legacy.hash });
      expect(await audit.isKeyed()).toBe(true);
      expect(await audit.firstKeyedId()).toBe(2);
    });

    it('40 appends at once through two instances keep ONE chain: ids 1…40 once each, each linked to the one before, times in order', async () => {
      const { audit, otherInstance } = fixture;
      const written = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (i % 2 ? otherInstance : audit).append(fields(i + 1), key, genesis),
        ),
      );
      expect(written.map((row) => row.id).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      const rows = await allRows(audit);
      expect(rows).toEqual([...written].sort((a, b) => a.id - b.id));
      for (let i = 1; i < rows.length; i++) {
        expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
        expect((rows[i]?.at ?? '') >= (rows[i - 1]?.at ?? '')).toBe(true);
      }
      expect(await verified(rows)).toMatchObject({ ok: true, entries: 40 });
    });
  });
}
