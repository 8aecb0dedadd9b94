/**
 * One clause of 200,000 words (about 1 MB, under the paste and message
 * limits) used to make compare and the redline fail with 500: its words were
 * spread into `push(...)` as arguments and overflowed the stack. Now
 * compare, the DOCX redline and the version's own export answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollabClient } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';
import { appendToClause, clauseIdsOf, storedWith } from '../support/versionsDoc';

describe('a clause of 200,000 words', () => {
  let server: TestServer;
  let pen: VersionsApi;
  let drafter: CollabClient;
  let before = '';
  let after = '';

  beforeAll(async () => {
    server = await startTestServer();
    pen = await versionsAs(server, DEMO.penHolder);
    drafter = await connectWellBehaved(
      server.wsUrl,
      server.actionPlanId(),
      (await server.signIn(DEMO.hungarianDrafter)).cookie,
    );
    before = (await pen.saveOk('Before the long clause')).id;
    const token = 'END-OF-LONG-CLAUSE';
    appendToClause(drafter.doc, clauseIdsOf(drafter.doc)[0] ?? '', `${' word'.repeat(200_000)} ${token}`);
    await storedWith(server, token);
    after = (await pen.saveOk('After the long clause')).id;
  });
  afterAll(async () => {
    drafter?.destroy();
    await server?.dispose();
  });

  it('compares the two versions, with the inserted words in the redline', async () => {
    const { comparison } = expectStatus(await pen.compare({ from: before, to: after }), 200);
    const changed = comparison.sections
      .flatMap((section) => section.clauses)
      .filter((clause) => clause.change === 'changed');
    expect(changed).toHaveLength(1);
    expect(JSON.stringify(changed[0])).toContain('END-OF-LONG-CLAUSE');
  });

  it('writes the redline and the version as DOCX', async () => {
    for (const form of ['tracked', 'formatted']) {
      const redline = await pen.redline({ from: before, to: after, form });
      expect({ form, status: redline.status }).toEqual({ form, status: 200 });
    }
    expect((await pen.exportVersion(after)).status).toBe(200);
  });
});
