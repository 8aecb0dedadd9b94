/**
 * What a version's change summary counts against (issue 13, item 6): a named
 * version against the previous named version, whatever automatic checkpoints
 * were taken in between; a checkpoint against the version just before it;
 * the first named version against nothing — and every summary names its
 * baseline, with counts equal to comparing the two.
 */
import type { VersionSummary } from '@draftroom/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { CollabClient } from '../support/collabClient';
import { connectWellBehaved } from '../support/ownPresence';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { expectStatus, type VersionsApi, versionsAs } from '../support/versionsApi';
import { appendToClause, clauseIdsOf, insertClause, storedWith } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

const REV_1 = 'Rev. 1 — for the Budapest SOM';

describe('change summaries and their baselines', () => {
  let server: TestServer | undefined;
  const clients: CollabClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await server?.dispose();
    server = undefined;
  });

  async function join(s: TestServer, api: VersionsApi): Promise<CollabClient> {
    const client = await connectWellBehaved(s.wsUrl, s.actionPlanId(), api.who.cookie);
    clients.push(client);
    return client;
  }

  /** Everyone leaves: the room unloads, taking an automatic checkpoint if anything changed. */
  async function leaveAll(s: TestServer): Promise<void> {
    for (const client of clients.splice(0)) client.destroy();
    await waitFor(() => s.server.collab.rooms.size === 0, { what: 'the document is unloaded' });
  }

  async function list(api: VersionsApi): Promise<VersionSummary[]> {
    return expectStatus(await api.list(), 200);
  }

  const byLabel = (versions: VersionSummary[], label: string): VersionSummary => {
    const found = versions.find((version) => version.label === label);
    if (!found) throw new Error(`no version "${label}" in ${versions.map((v) => v.label).join(', ')}`);
    return found;
  };

  /** Fails unless the version's counts are those of comparing its baseline with it. */
  async function expectCountsOfComparison(api: VersionsApi, version: VersionSummary): Promise<void> {
    if (!version.baseline) throw new Error(`${version.label} has no baseline`);
    const { comparison } = expectStatus(
      await api.compare({ from: version.baseline.id, to: version.id }),
      200,
    );
    const { added, changed, removed, moved } = comparison.summary.total;
    expect(version.summary, `${version.label} against ${version.baseline.label}`).toEqual({
      added,
      changed,
      removed,
      moved,
    });
  }

  it('counts a named version against the previous named version, not a checkpoint taken in between', async () => {
    const s = await startTestServer();
    server = s;
    const pen = await versionsAs(s, DEMO.penHolder);
    const first = await join(s, pen);
    const ids = clauseIdsOf(first.doc);

    // Session one: five clauses changed and one added, then everyone leaves → a checkpoint.
    for (let index = 0; index < 5; index++) appendToClause(first.doc, ids[index] ?? '', ` [one ${index}]`);
    insertClause(first.doc, 1, 0, 'Hold a yearly meeting of the border guard academies [added].');
    await storedWith(s, '[added]');
    await leaveAll(s);
    const checkpoint = (await list(pen)).find((version) => version.kind === 'automatic');
    expect(checkpoint?.baseline).toMatchObject({ kind: 'named', label: REV_1 });
    expect(checkpoint?.summary).toEqual({ added: 1, changed: 5, removed: 0, moved: 0 });

    // Session two: one more clause changed, then Rev. 2 is saved. Against the checkpoint it would
    // count 1 changed; against Rev. 1, the previous named version, 6 changed and 1 added.
    const second = await join(s, pen);
    appendToClause(second.doc, ids[6] ?? '', ' [two]');
    await storedWith(s, '[two]');
    const rev2 = await pen.saveOk('Rev. 2 — for the Poznań drafting meeting');
    const rev1 = byLabel(await list(pen), REV_1);
    expect(rev2.baseline).toEqual({ id: rev1.id, kind: 'named', label: REV_1, createdAt: rev1.createdAt });
    expect(rev2.summary).toEqual({ added: 1, changed: 6, removed: 0, moved: 0 });
    await expectCountsOfComparison(pen, rev2);

    // Session three: one clause changed, everyone leaves → a checkpoint against Rev. 2 (just before it);
    // then Rev. 3 without further edits: against the checkpoint "no clause changed", against Rev. 2 one.
    const third = await join(s, pen);
    appendToClause(third.doc, ids[7] ?? '', ' [three]');
    await storedWith(s, '[three]');
    await leaveAll(s);
    const rev3 = await pen.saveOk('Rev. 3');
    expect(rev3.baseline).toMatchObject({ id: rev2.id, kind: 'named' });
    expect(rev3.summary).toEqual({ added: 0, changed: 1, removed: 0, moved: 0 });

    const versions = await list(pen);
    // The first named version is compared with nothing.
    expect(byLabel(versions, REV_1)).toMatchObject({
      baseline: null,
      summary: { added: 0, changed: 0, removed: 0, moved: 0 },
    });
    for (const [index, version] of versions.entries()) {
      if (version.label === REV_1) continue;
      const older = versions.slice(index + 1);
      // Named: the newest older named version. Automatic: the version listed just before it.
      const expected =
        version.kind === 'named' ? older.find((candidate) => candidate.kind === 'named') : older[0];
      expect(version.baseline?.id, version.label).toBe(expected?.id);
      await expectCountsOfComparison(pen, version);
      // A version opened on its own says the same as the list.
      const detail = expectStatus(await pen.get(version.id), 200);
      expect({ summary: detail.summary, baseline: detail.baseline }).toEqual({
        summary: version.summary,
        baseline: version.baseline,
      });
    }
  });

  it('recounts, on the next read, summaries stored before baselines were recorded', async () => {
    const s = await startTestServer();
    server = s;
    const pen = await versionsAs(s, DEMO.penHolder);
    const client = await join(s, pen);
    const ids = clauseIdsOf(client.doc);
    appendToClause(client.doc, ids[0] ?? '', ' [edited]');
    appendToClause(client.doc, ids[1] ?? '', ' [edited too]');
    await storedWith(s, '[edited too]');
    const rev2 = await pen.saveOk('Rev. 2');
    // A database written before this change: counts only, against whatever version was newest then.
    s.server.db
      .prepare('UPDATE versions SET summary = ? WHERE document_id = ?')
      .run(JSON.stringify({ added: 0, changed: 0, removed: 0, moved: 0 }), s.actionPlanId());

    const detail = expectStatus(await pen.get(rev2.id), 200);
    expect(detail.baseline).toMatchObject({ kind: 'named', label: REV_1 });
    expect(detail.summary).toEqual({ added: 0, changed: 2, removed: 0, moved: 0 });
    const versions = await list(pen);
    expect(byLabel(versions, REV_1).baseline).toBeNull();
    expect(byLabel(versions, 'Rev. 2')).toMatchObject({
      baseline: { label: REV_1 },
      summary: { changed: 2 },
    });
  });
});
