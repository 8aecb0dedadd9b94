/**
 * Bracketing a passage and resolving a bracket are server commands: the
 * server changes the text and writes the record in one SQLite transaction,
 * then broadcasts. Seen live by a connected y-websocket provider and after a
 * restart; a failed commit leaves neither; hostile input changes nothing.
 */
import type { Bracket, NewBracket, ServerNotice } from '@draftroom/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { readDocumentStructure } from '../../server/src/content/structure';
import { bracketedText, failWrites, firstParagraphText, passageIn, runsOf } from '../support/bracketPassages';
import type { CollabClient } from '../support/collabClient';
import { apiAs, bracketId, NegotiationApi, signInOutsider } from '../support/negotiationApi';
import { anchorFor, clauseIdAt, plain, recordProviderNotices } from '../support/negotiationLive';
import { connectWellBehaved } from '../support/ownPresence';
import { loadStoredDoc } from '../support/rawCollab';
import { storedRowsDigest, userIdOf } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { appendToClause, clauseElement, splitParagraph } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

describe('bracket commands: the text and the record change together', () => {
  let server: TestServer;
  let documentId: string;
  let pen: NegotiationApi;
  let hu: NegotiationApi;
  let ua: NegotiationApi;
  /** The Hungarian drafter's editor (writes text); the observer's (only watches). */
  let writer: CollabClient;
  let watcher: CollabClient;
  let notices: ServerNotice[];
  let barriers = 0;
  const clause = (index: number) => clauseIdAt(watcher.doc, index);
  const paragraph = (doc: Y.Doc, clauseId: string) => plain(firstParagraphText(doc, clauseId));
  const bracketAttributes = (doc: Y.Doc, clauseId: string) =>
    runsOf(doc, clauseId).filter((run) => run.attributes?.bracket !== undefined);

  beforeAll(async () => {
    server = await startTestServer();
    documentId = server.actionPlanId();
    pen = await apiAs(server, DEMO.penHolder);
    hu = await apiAs(server, DEMO.hungarianDrafter);
    ua = await apiAs(server, DEMO.commenter);
    writer = await connectWellBehaved(server.wsUrl, documentId, hu.who.cookie);
    watcher = await connectWellBehaved(server.wsUrl, documentId, (await server.signIn(DEMO.observer)).cookie);
    notices = recordProviderNotices(watcher.provider);
  });
  afterAll(async () => {
    writer?.destroy();
    watcher?.destroy();
    await server?.dispose();
  });

  function stored<T>(read: (doc: Y.Doc) => T): T {
    const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
    try {
      return read(doc);
    } finally {
      doc.destroy();
    }
  }

  async function record(id: string): Promise<Bracket | undefined> {
    return (await pen.state()).body.brackets.find((bracket) => bracket.id === id);
  }

  /** A change typed after the command reached the watcher: anything the command broadcast came before it. */
  async function barrier(): Promise<void> {
    const token = ` [barrier ${++barriers}]`;
    appendToClause(writer.doc, clause(20), token);
    await waitFor(() => paragraph(watcher.doc, clause(20)).endsWith(token), { what: `watcher has ${token}` });
  }

  async function bracketed(index: number, words: string, others: string[] = []): Promise<NewBracket> {
    const input = passageIn(watcher.doc, clause(index), words, others);
    expect((await hu.newBracket(input)).status).toBe(201);
    await waitFor(() => bracketedText(writer.doc, input.clauseId, input.id) === words, {
      what: 'writer sees',
    });
    return input;
  }

  /** Restarts the server on the same database; both editors notice, reconnect and sync again. */
  async function restartAndResync(): Promise<void> {
    const dropped = [writer, watcher].map(
      (client) =>
        new Promise<void>((resolve) => {
          const onStatus = ({ status }: { status: string }) => {
            if (status !== 'disconnected') return;
            client.provider.off('status', onStatus);
            resolve();
          };
          client.provider.on('status', onStatus);
        }),
    );
    await server.restart();
    await Promise.all(dropped);
    for (const client of [writer, watcher]) {
      await waitFor(() => client.provider.wsconnected && client.provider.synced, { what: 'reconnected' });
    }
  }

  it('brackets a passage: marked in the text and recorded in one commit, seen live and after a restart', async () => {
    const clauseId = clause(1);
    const before = paragraph(watcher.doc, clauseId);
    const input = passageIn(watcher.doc, clauseId, 'joint training', ['common training']);
    const rows = () =>
      server.server.db
        .prepare('SELECT user_id FROM document_updates WHERE document_id = ? ORDER BY id')
        .all(documentId) as { user_id: string }[];
    const rowsBefore = rows().length;

    const created = await hu.newBracket(input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: input.id,
      clauseId,
      proponentCode: 'HU',
      resolution: null,
      alternatives: [
        { index: 0, text: 'joint training', proponentCode: 'HU' },
        { index: 1, text: 'common training', proponentCode: 'HU' },
      ],
    });
    await waitFor(() => bracketedText(watcher.doc, clauseId, input.id) === 'joint training', {
      what: 'the watcher sees the bracket',
    });
    expect(paragraph(watcher.doc, clauseId)).toBe(before);
    await waitFor(() =>
      notices.some(
        (n) => n.kind === 'negotiation' && n.event.type === 'bracket' && n.event.bracket.id === input.id,
      ),
    );
    // One stored change, by the Hungarian drafter, holding the mark as the editor stores it.
    const after = rows();
    expect(after).toHaveLength(rowsBefore + 1);
    expect(after.at(-1)?.user_id).toBe(userIdOf(server, DEMO.hungarianDrafter));
    expect(stored((doc) => bracketedText(doc, clauseId, input.id))).toBe('joint training');

    await restartAndResync();
    const runs = stored(
      (doc) =>
        readDocumentStructure(doc)
          .sections.flatMap((section) => section.clauses)
          .find((candidate) => candidate.id === clauseId)?.blocks[0]?.runs,
    );
    expect(runs?.filter((run) => run.bracketId === input.id).map((run) => run.text)).toEqual([
      'joint training',
    ]);
    expect(bracketedText(watcher.doc, clauseId, input.id)).toBe('joint training');
    expect(await record(input.id)).toMatchObject({ clauseId, resolution: null });
  });

  it('keeps an alternative: it replaces the passage with its formatting, without the bracket, live and after a restart', async () => {
    const clauseId = clause(6);
    const text = firstParagraphText(writer.doc, clauseId);
    const at = plain(text).indexOf('voluntary return');
    text.format(at, 'voluntary return'.length, { bold: {} });
    await waitFor(() =>
      stored((doc) => runsOf(doc, clauseId).some((run) => run.attributes?.bold !== undefined)),
    );
    const before = paragraph(watcher.doc, clauseId);
    const input = await bracketed(6, 'voluntary return');
    expect((await ua.addAlternative(input.id, 'assisted voluntary return')).status).toBe(201);

    const resolved = await pen.resolveBracket(input.id, { keep: 1 });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolution).toMatchObject({
      kind: 'kept',
      index: 1,
      text: 'assisted voluntary return',
    });
    const expected = before.replace('voluntary return', 'assisted voluntary return');
    await waitFor(() => paragraph(watcher.doc, clauseId) === expected, {
      what: 'the watcher sees the wording',
    });
    for (const doc of [watcher.doc, writer.doc]) {
      expect(runsOf(doc, clauseId).find((run) => run.insert.includes('assisted'))).toEqual({
        insert: 'assisted voluntary return',
        attributes: { bold: {} },
      });
      expect(bracketAttributes(doc, clauseId)).toEqual([]);
    }

    await restartAndResync();
    expect(stored((doc) => paragraph(doc, clauseId))).toBe(expected);
    expect(stored((doc) => bracketAttributes(doc, clauseId))).toEqual([]);
    expect((await record(input.id))?.resolution).toMatchObject({ kind: 'kept', index: 1 });
  });

  it('keeping the passage itself only takes the bracket off; dropping deletes the passage', async () => {
    const kept = await bracketed(9, 'prospective migrants', ['migrants']);
    const keptBefore = paragraph(watcher.doc, kept.clauseId);
    expect((await pen.resolveBracket(kept.id, { keep: 0 })).status).toBe(200);
    await waitFor(() => bracketAttributes(watcher.doc, kept.clauseId).length === 0, { what: 'bracket off' });
    expect(paragraph(watcher.doc, kept.clauseId)).toBe(keptBefore);

    const dropped = await bracketed(10, ' and skills shortages');
    const droppedBefore = paragraph(watcher.doc, dropped.clauseId);
    const resolved = await pen.resolveBracket(dropped.id, { drop: true });
    expect(resolved.body.resolution).toMatchObject({ kind: 'dropped' });
    await waitFor(
      () => paragraph(watcher.doc, dropped.clauseId) === droppedBefore.replace(' and skills shortages', ''),
    );
    expect(stored((doc) => paragraph(doc, dropped.clauseId))).toBe(
      droppedBefore.replace(' and skills shortages', ''),
    );
  });

  it('resolves the part of a passage left in place by a paragraph split, and refuses to keep a wording whose passage is gone', async () => {
    const split = await bracketed(11, 'recognition of qualifications', ['mutual recognition']);
    // The words moved to the new paragraph leave the bracket: a client cannot write it there.
    splitParagraph(writer.doc, split.clauseId, 'of qualifications');
    await waitFor(() => stored((doc) => paragraph(doc, split.clauseId)).endsWith('recognition '));
    // Stored before it is broadcast: the watcher has it once a change typed after it arrived.
    await barrier();
    expect(bracketedText(watcher.doc, split.clauseId, split.id)).toBe('recognition ');
    expect((await pen.resolveBracket(split.id, { keep: 1 })).status).toBe(200);
    await waitFor(() => paragraph(watcher.doc, split.clauseId) === 'Facilitate the mutual recognition');
    const second = (clauseElement(watcher.doc, split.clauseId).get(1) as Y.XmlElement).get(0) as Y.XmlText;
    expect(plain(second)).toBe(
      'of qualifications and skills acquired abroad, and promote circular migration schemes where appropriate.',
    );

    const gone = await bracketed(12, 'fair recruitment', ['ethical recruitment']);
    const text = firstParagraphText(writer.doc, gone.clauseId);
    text.delete(plain(text).indexOf('fair recruitment'), 'fair recruitment'.length);
    await waitFor(() => !stored((doc) => paragraph(doc, gone.clauseId)).includes('fair recruitment'));
    const refused = await pen.resolveBracket(gone.id, { keep: 1 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'passage_missing' });
    expect((await record(gone.id))?.resolution).toBeNull();
    expect((await pen.resolveBracket(gone.id, { drop: true })).status).toBe(200);
  });

  describe('a failed commit leaves neither the text nor the record changed', () => {
    it('bracketing, when the text or the record cannot be written', async () => {
      // The text's row, the bracket's row, or one of its alternatives' rows.
      for (const table of ['document_updates', 'brackets', 'bracket_alternatives']) {
        const input = passageIn(watcher.doc, clause(13), 'integration policies', ['integration measures']);
        const digest = storedRowsDigest(server, documentId);
        const heal = failWrites(server, table);
        try {
          const refused = await hu.newBracket(input);
          expect(refused.status, table).toBe(503);
          expect(refused.body, table).toMatchObject({ error: 'storage_unavailable' });
        } finally {
          heal();
        }
        expect(storedRowsDigest(server, documentId), table).toBe(digest);
        expect(await record(input.id), table).toBeUndefined();
        await barrier();
        expect(bracketAttributes(watcher.doc, input.clauseId), table).toEqual([]);
        expect(bracketAttributes(writer.doc, input.clauseId), table).toEqual([]);
      }
      // The document is intact: the same command succeeds once writes work again.
      await bracketed(13, 'integration policies');
    });

    it('resolving, when the text or the resolution cannot be written', async () => {
      const input = await bracketed(14, 'equal treatment', ['fair treatment']);
      const before = paragraph(watcher.doc, input.clauseId);
      for (const [table, operation] of [
        ['document_updates', 'INSERT'],
        ['brackets', 'UPDATE'],
      ] as const) {
        const digest = storedRowsDigest(server, documentId);
        const heal = failWrites(server, table, operation);
        try {
          const refused = await pen.resolveBracket(input.id, { keep: 1 });
          expect(refused.status, table).toBe(503);
          expect(refused.body, table).toMatchObject({ error: 'storage_unavailable' });
        } finally {
          heal();
        }
        expect(storedRowsDigest(server, documentId), table).toBe(digest);
        expect((await record(input.id))?.resolution, table).toBeNull();
        await barrier();
        expect(paragraph(watcher.doc, input.clauseId), table).toBe(before);
        expect(bracketedText(watcher.doc, input.clauseId, input.id), table).toBe('equal treatment');
      }
      expect((await pen.resolveBracket(input.id, { keep: 1 })).status).toBe(200);
      await waitFor(() => paragraph(watcher.doc, input.clauseId) === before.replace('equal', 'fair'));
    });
  });

  describe('hostile input is refused with a 4xx and changes nothing', () => {
    let locked: NewBracket;
    let open: NewBracket;

    beforeAll(async () => {
      open = await bracketed(15, 'migrant associations', ['diaspora associations']);
      locked = await bracketed(16, 'Support the participating states');
      expect((await pen.setStatus(locked.clauseId, 'agreed')).status).toBe(200);
    });

    /** Every request answers `status` (and `code` when given); the stored text, the records and the live text stay as they were. */
    async function refusedAll(
      cases: [string, () => Promise<{ status: number; body: unknown }>, number, string?][],
    ) {
      const digest = storedRowsDigest(server, documentId);
      const records = JSON.stringify((await pen.state()).body.brackets);
      const content = watcher.doc.getXmlFragment('content').toString();
      for (const [what, request, status, code] of cases) {
        const answer = await request();
        expect(answer.status, what).toBe(status);
        if (code) expect(answer.body, what).toMatchObject({ error: code });
      }
      expect(storedRowsDigest(server, documentId)).toBe(digest);
      expect(JSON.stringify((await pen.state()).body.brackets)).toBe(records);
      await barrier();
      expect(
        watcher.doc
          .getXmlFragment('content')
          .toString()
          .replace(/ \[barrier \d+\]/g, ''),
      ).toBe(content.replace(/ \[barrier \d+\]/g, ''));
    }

    it('refuses ranges that are not a fresh passage of the one clause named', async () => {
      const target = clause(17);
      const valid = passageIn(watcher.doc, target, 'costs of remittance transfers');
      const other = passageIn(watcher.doc, clause(18), 'diasporas as partners');
      const textA = firstParagraphText(watcher.doc, target);
      const content = watcher.doc.getXmlFragment('content');
      const encode = (position: Y.RelativePosition) =>
        Buffer.from(Y.encodeRelativePosition(position)).toString('base64');
      const across = {
        ...valid,
        anchor: { start: valid.anchor.start, end: other.anchor.end, quote: valid.anchor.quote },
      };
      const unknownItem = encode(
        Y.createRelativePositionFromJSON({ item: { client: 987_654_321, clock: 5 } }),
      );
      const root = encode(Y.createRelativePositionFromTypeIndex(content, content.length));
      const topLevel = encode(Y.createRelativePositionFromTypeIndex(content, 1));
      const element = encode(Y.createRelativePositionFromTypeIndex(textA.parent as Y.XmlElement, 0));
      const withAnchor = (anchor: Partial<NewBracket['anchor']>) => ({
        ...valid,
        anchor: { ...valid.anchor, ...anchor },
      });
      const empty = anchorFor(textA, 3, 3);
      const reversed = anchorFor(textA, 10, 3);
      await refusedAll([
        [
          'in another clause',
          () => hu.newBracket({ ...other, clauseId: target }),
          400,
          'range_outside_clause',
        ],
        ['across two clauses', () => hu.newBracket(across), 400, 'range_outside_clause'],
        ['quote mismatch', () => hu.newBracket(withAnchor({ quote: 'quality of life' })), 400],
        [
          'quote mismatch, alternative A following it',
          () =>
            hu.newBracket({ ...withAnchor({ quote: 'quality of life' }), alternatives: ['quality of life'] }),
          409,
          'passage_changed',
        ],
        [
          'alternative A is not the passage',
          () => hu.newBracket({ ...valid, alternatives: ['other words'] }),
          400,
        ],
        [
          'empty range',
          () => hu.newBracket({ ...valid, anchor: empty, alternatives: [''] }),
          400,
          'empty_range',
        ],
        [
          'reversed range',
          () => hu.newBracket({ ...valid, anchor: reversed, alternatives: [''] }),
          400,
          'empty_range',
        ],
        ['unknown item', () => hu.newBracket(withAnchor({ start: unknownItem })), 409, 'passage_changed'],
        [
          'root position',
          () => hu.newBracket(withAnchor({ start: root, end: root })),
          400,
          'range_outside_clause',
        ],
        [
          'top-level position',
          () => hu.newBracket(withAnchor({ start: topLevel })),
          400,
          'range_outside_clause',
        ],
        [
          'element position',
          () => hu.newBracket(withAnchor({ start: element })),
          400,
          'range_outside_clause',
        ],
        ['not base64', () => hu.newBracket(withAnchor({ start: '%%%not base64%%%' })), 400],
        ['not a position', () => hu.newBracket(withAnchor({ start: '/w==' })), 400],
        ['position of no item', () => hu.newBracket(withAnchor({ start: 'AAAA' })), 409, 'passage_changed'],
        ['unknown clause', () => hu.newBracket({ ...valid, clauseId: 'cl-000000000000' }), 404],
        [
          'overlapping bracket',
          () => hu.newBracket(passageIn(watcher.doc, open.clauseId, 'associations and')),
          409,
          'bracket_overlap',
        ],
        [
          'inside a bracket',
          () => hu.newBracket(passageIn(watcher.doc, open.clauseId, 'associations')),
          409,
          'bracket_overlap',
        ],
        [
          'agreed clause',
          () => hu.newBracket(passageIn(watcher.doc, locked.clauseId, 'in mainstreaming')),
          409,
          'clause_locked',
        ],
        ['id taken', () => hu.newBracket({ ...valid, id: open.id }), 409, 'conflict'],
        ['commenter', () => ua.newBracket(valid), 403],
        ['bad id', () => hu.newBracket({ ...valid, id: 'bracket-1' }), 400],
      ]);
    });

    it('refuses absurd sizes, unknown ids, resolving on an agreed clause, and callers without the right', async () => {
      const valid = passageIn(watcher.doc, clause(17), 'costs of remittance transfers');
      const outsider = await signInOutsider(server);
      const huge = 'x'.repeat(5_001);
      await refusedAll([
        ['quote too long', () => hu.newBracket({ ...valid, anchor: { ...valid.anchor, quote: huge } }), 400],
        [
          'anchor too long',
          () => hu.newBracket({ ...valid, anchor: { ...valid.anchor, start: 'A'.repeat(3_000) } }),
          400,
        ],
        [
          'alternative too long',
          () => hu.newBracket({ ...valid, alternatives: [valid.anchor.quote, huge] }),
          400,
        ],
        [
          'nine alternatives',
          () => hu.newBracket({ ...valid, alternatives: Array(9).fill(valid.anchor.quote) }),
          400,
        ],
        [
          'body too large',
          () =>
            hu.request('POST', `/api/documents/${documentId}/brackets`, undefined, {
              rawBody: JSON.stringify({ ...valid, pad: 'x'.repeat(200_000) }),
            }),
          413,
        ],
        [
          'no anchor',
          () => hu.newBracket({ id: bracketId(), clauseId: valid.clauseId, alternatives: ['a'] }),
          400,
        ],
        ['resolve: agreed clause', () => pen.resolveBracket(locked.id, { drop: true }), 409, 'clause_locked'],
        ['resolve: unknown bracket', () => pen.resolveBracket('br-000000000000', { drop: true }), 404],
        ['resolve: unknown alternative', () => pen.resolveBracket(open.id, { keep: 1_000_000_000 }), 404],
        ['resolve: negative index', () => pen.resolveBracket(open.id, { keep: -1 }), 400],
        ['resolve: no choice', () => pen.resolveBracket(open.id, {}), 400],
        ['resolve: drafter', () => hu.resolveBracket(open.id, { drop: true }), 403],
        ['outsider', () => new NegotiationApi(server, outsider, documentId).newBracket(valid), 404],
      ]);
    });
  });
});
