/**
 * Bracket commands under attack (real server, SQLite, HTTP and y-websocket
 * clients): anchors from elsewhere, passages across a hard break, words
 * pasted into a bracketed passage, racing commands, and a delegate proposing
 * wordings in a loop. A refusal is a clear 4xx that changes nothing; resolving
 * never takes words that are not bracketed.
 */
import { NodeName } from '@draftroom/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  amendmentsAs,
  clientClauseTexts,
  createAmendableDocument,
  storedClauseTexts,
  type WatchingClient,
  watchDocument,
} from '../support/amendmentsApi';
import { bracketedText, firstParagraphText, passageIn } from '../support/bracketPassages';
import { anchorFor, plain } from '../support/negotiationLive';
import { storedRowsDigest } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { clauseElement, storedWith } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

const RETURN = 'Give priority to voluntary return over forced return, in cooperation with IOM.';
const TRAINING = 'Develop joint training for border guards on forged documents.';

describe('bracket commands under attack', () => {
  let server: TestServer;
  const clients: WatchingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  async function scene(clauses = [RETURN, TRAINING]) {
    const { documentId, clauseIds } = createAmendableDocument(server, clauses);
    const [ua, hu, pl] = await Promise.all([
      amendmentsAs(server, DEMO.commenter, documentId),
      amendmentsAs(server, DEMO.hungarianDrafter, documentId),
      amendmentsAs(server, DEMO.penHolder, documentId),
    ]);
    const writer = await watchDocument(server, DEMO.hungarianDrafter, documentId);
    clients.push(writer);
    return { documentId, clauseIds, ua, hu, pl, writer };
  }

  it('words typed or pasted into a bracketed passage join it: dropping or replacing the bracket takes them too', async () => {
    const { documentId, clauseIds, hu, pl, writer } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const dropped = passageIn(writer.doc, returnId, 'voluntary return over forced');
    const replaced = passageIn(writer.doc, trainingId, 'joint training for border', ['training of']);
    for (const input of [dropped, replaced]) expect((await hu.newBracket(input)).status).toBe(201);
    await waitFor(() => bracketedText(writer.doc, trainingId, replaced.id) === 'joint training for border', {
      what: 'bracketed live',
    });
    // Inserted inside each passage as an editor writes it: plain characters between the bracket's
    // formatting items (a client cannot put words there without the bracket: bracketMarks.adversarial).
    for (const [clauseId, after] of [
      [returnId, 'voluntary return'],
      [trainingId, 'joint training'],
    ] as const) {
      const text = firstParagraphText(writer.doc, clauseId);
      text.insert(plain(text).indexOf(after) + after.length, ' (pasted)');
    }
    await waitFor(
      () => [...storedClauseTexts(server, documentId).values()].every((t) => t.includes('(pasted)')),
      { what: 'the pasted words stored' },
    );
    expect(bracketedText(writer.doc, trainingId, replaced.id)).toBe('joint training (pasted) for border');
    expect((await pl.resolveBracket(dropped.id, { drop: true })).status).toBe(200);
    expect((await pl.resolveBracket(replaced.id, { keep: 1 })).status).toBe(200);
    const expected = new Map([
      [returnId, 'Give priority to  return, in cooperation with IOM.'],
      [trainingId, 'Develop training of guards on forged documents.'],
    ]);
    expect(storedClauseTexts(server, documentId)).toEqual(expected);
    await waitFor(() => clientClauseTexts(writer.doc).get(trainingId) === expected.get(trainingId), {
      what: 'live',
    });
  });

  it('keeping the first wording after words were typed into the passage restores that wording, without the bracket', async () => {
    const { documentId, clauseIds, hu, pl, writer } = await scene();
    const [returnId] = clauseIds as [string];
    const input = passageIn(writer.doc, returnId, 'voluntary return');
    expect((await hu.newBracket(input)).status).toBe(201);
    await waitFor(() => bracketedText(writer.doc, returnId, input.id) === 'voluntary return', {
      what: 'live',
    });
    const text = firstParagraphText(writer.doc, returnId);
    text.insert(plain(text).indexOf(' return'), ' (typed)');
    const typed = RETURN.replace('voluntary return', 'voluntary (typed) return');
    await waitFor(() => storedClauseTexts(server, documentId).get(returnId) === typed, { what: 'stored' });
    expect(bracketedText(writer.doc, returnId, input.id)).toBe('voluntary (typed) return');
    expect((await pl.resolveBracket(input.id, { keep: 0 })).status).toBe(200);
    await waitFor(() => bracketedText(writer.doc, returnId, input.id) === '', { what: 'bracket off, live' });
    expect(storedClauseTexts(server, documentId).get(returnId)).toBe(RETURN);
  });

  it('a delegation cannot grow a bracket without bound by proposing wordings in a loop', async () => {
    const { documentId, clauseIds, ua, hu } = await scene();
    const input = passageIn(
      (await watchDocument(server, DEMO.observer, documentId)).doc,
      clauseIds[0] as string,
    );
    expect((await hu.newBracket({ ...input, alternatives: [input.anchor.quote, 'a', 'b'] })).status).toBe(
      201,
    );
    let accepted = 3;
    for (;;) {
      const answer = await ua.addAlternative(input.id, `Wording ${accepted}`);
      if (answer.status !== 201) {
        expect(answer.status).toBe(409);
        expect(answer.body).toMatchObject({ error: 'too_many_alternatives' });
        break;
      }
      accepted++;
      expect(accepted).toBeLessThanOrEqual(20);
    }
    expect(accepted).toBe(20);
    const digest = storedRowsDigest(server, documentId);
    expect((await hu.addAlternative(input.id, 'One more')).status).toBe(409);
    expect(storedRowsDigest(server, documentId)).toBe(digest);
    const record = (await ua.state()).body.brackets.find((bracket) => bracket.id === input.id);
    expect(record?.alternatives).toHaveLength(20);
  });

  it('refuses anchors from another document, into a deleted paragraph, or across a hard break; brackets a new clause', async () => {
    const { documentId, clauseIds, hu, pl, writer } = await scene();
    const [returnId, trainingId] = clauseIds as [string, string];
    const elsewhere = await scene();
    const foreign = passageIn(elsewhere.writer.doc, elsewhere.clauseIds[0] as string, 'voluntary');

    const doomed = passageIn(writer.doc, trainingId, 'joint training');
    const clause = clauseElement(writer.doc, trainingId);
    writer.doc.transact(() => {
      const paragraph = new Y.XmlElement(NodeName.paragraph);
      const content = new Y.XmlText();
      content.insert(0, TRAINING);
      paragraph.insert(0, [content]);
      clause.delete(0, 1);
      clause.insert(0, [paragraph]);
    });
    // A hard break inside "forced return" of clause 1: the words either side are two texts of one paragraph.
    const paragraph = clauseElement(writer.doc, returnId).get(0) as Y.XmlElement;
    const first = paragraph.get(0) as Y.XmlText;
    const at = plain(first).indexOf(' return,');
    writer.doc.transact(() => {
      const tail = plain(first).slice(at);
      first.delete(at, tail.length);
      const rest = new Y.XmlText();
      rest.insert(0, tail);
      paragraph.insert(1, [new Y.XmlElement('hardBreak'), rest]);
    });
    await storedWith(server, '<hardbreak>', documentId);
    const rest = paragraph.get(2) as Y.XmlText;
    const across = {
      ...passageIn(writer.doc, returnId, 'forced'),
      anchor: {
        start: anchorFor(first, plain(first).indexOf('forced'), 0).start,
        end: anchorFor(rest, 0, ' return'.length).end,
        quote: 'forced return',
      },
      alternatives: ['forced return'],
    };
    const digest = storedRowsDigest(server, documentId);
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['another document', { ...foreign, clauseId: returnId }, 409, 'passage_changed'],
      ['a deleted paragraph', doomed, 409, 'passage_changed'],
      ['across a hard break', across, 400, 'range_outside_clause'],
    ];
    for (const [what, body, status, code] of cases) {
      const answer = await hu.newBracket(body);
      expect([what, answer.status, (answer.body as { error?: string }).error]).toEqual([what, status, code]);
    }
    expect(storedRowsDigest(server, documentId)).toBe(digest);

    const ua = await amendmentsAs(server, DEMO.commenter, documentId);
    const tabled = await ua.table({
      kind: 'insert',
      clauseId: trainingId,
      proposedText: 'Evaluate the training.',
    });
    const accepted = await pl.decide(tabled.body.id, { decision: 'accept' });
    const created = accepted.body.createdClauseId as string;
    await waitFor(() => clientClauseTexts(writer.doc).get(created) === 'Evaluate the training.', {
      what: 'live',
    });
    const inNew = passageIn(writer.doc, created, 'the training');
    expect((await hu.newBracket(inNew)).status).toBe(201);
    expect((await hu.newBracket({ ...inNew, id: `${inNew.id}0` })).status).toBe(409);
  });

  it('racing commands: the same id twice, two resolutions at once', async () => {
    const { documentId, clauseIds, hu, pl, writer } = await scene();
    const input = passageIn(writer.doc, clauseIds[0] as string, 'voluntary', ['assisted']);
    const created = await Promise.all([hu.newBracket(input), hu.newBracket(input)]);
    expect(created.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const resolved = await Promise.all([
      pl.resolveBracket(input.id, { keep: 1 }),
      pl.resolveBracket(input.id, { drop: true }),
    ]);
    expect(resolved.map((answer) => answer.status).sort()).toEqual([200, 409]);
    expect(storedClauseTexts(server, documentId).get(clauseIds[0] as string)).toBe(
      RETURN.replace('voluntary', 'assisted'),
    );
  });
});
