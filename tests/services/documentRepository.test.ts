import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PgDocumentRepository } from '../../server/src/store/postgres/pgDocumentRepository';
import { PgProcessRepository } from '../../server/src/store/postgres/pgProcessRepository';
import { inTransaction } from '../../server/src/store/postgres/queryable';
import { describeDocumentRepositoryContract } from '../support/documentRepositoryContract';
import { type IdentityFixture, stateWithText } from '../support/identityRepositories';
import { identityDatabase } from '../support/services/identityDatabase';

const makeFixture = identityDatabase('identity_documents');
describeDocumentRepositoryContract('PostgreSQL', makeFixture);

describe('PgDocumentRepository on a transaction’s client', () => {
  let fixture: IdentityFixture | undefined;
  const pools: pg.Pool[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.end()));
    await fixture?.dispose();
  });

  it('writes inside the caller’s transaction: rolled back, the document, its state and head are gone; committed, they stay', async () => {
    fixture = await makeFixture();
    const process = await fixture.processes.create('Prague Process', '');
    const pool = new pg.Pool({ connectionString: fixture.databaseUrl });
    pools.push(pool);
    let rolledBack = '';
    await expect(
      inTransaction(pool, async (client) => {
        rolledBack = await new PgDocumentRepository(client).create(
          process.id,
          'Draft',
          stateWithText('Lost.'),
        );
        expect(await new PgDocumentRepository(client).exists(rolledBack)).toBe(true);
        throw new Error('the caller gives up');
      }),
    ).rejects.toThrow('the caller gives up');
    expect(await fixture.documents.exists(rolledBack)).toBe(false);
    expect(await fixture.documentStorage.load(rolledBack)).toEqual({
      state: null,
      updates: [],
      lastUpdateId: 0,
    });
    expect(await fixture.documentStorage.loadClientIds(rolledBack)).toEqual(new Map());

    const kept = await inTransaction(pool, async (client) => {
      const processes = new PgProcessRepository(client);
      const other = await processes.create('Budapest Process', '');
      return new PgDocumentRepository(client).create(other.id, 'Kept', stateWithText('Kept.'));
    });
    expect(await fixture.documents.exists(kept)).toBe(true);
    expect((await fixture.processes.list()).map((each) => each.name)).toEqual([
      'Budapest Process',
      'Prague Process',
    ]);
  });
});
