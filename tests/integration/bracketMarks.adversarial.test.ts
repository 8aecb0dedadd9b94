/**
 * Brackets and clause ids cannot be forged through the text (real server on
 * port 0, SQLite, raw `ws` drafters sending hand-made Yjs updates, a
 * y-websocket observer). Only the bracket commands write the `bracket` mark:
 * a client update that adds one, takes one off, relabels one or copies one is
 * refused with 4400 and nothing is stored or relayed. No update may leave two
 * clauses (or sections) with one id. What Yjs clients honestly write —
 * deleting a bracketed passage, moving a clause — still goes through.
 */
import { BRACKET_MARK, CloseCode, ID_ATTR, NodeName } from '@draftroom/shared';
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
import { type CollabClient, connectSynced, contentOf } from '../support/collabClient';
import { handmadeUpdate } from '../support/handmadeUpdate';
import { plain } from '../support/negotiationLive';
import { openRawSocket, syncUpdateMessage, updateFrom } from '../support/rawCollab';
import { noticesIn, storedRowsDigest } from '../support/securityHarness';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { clauseElement } from '../support/versionsDoc';
import { waitFor } from '../support/waitFor';

const RETURN = 'Give priority to voluntary return over forced return, in cooperation with IOM.';
const TRAINING = 'Develop joint training for border guards on forged documents.';
const PASSAGE = 'voluntary return';

/** The bracket formatting items of a text, in order: [item, value]. */
function bracketFormats(text: Y.XmlText): Y.Item[] {
  const found: Y.Item[] = [];
  for (let item = text._start; item !== null; item = item.right) {
    if (!item.deleted && item.content instanceof Y.ContentFormat && item.content.key === BRACKET_MARK) {
      found.push(item);
    }
  }
  return found;
}

function sectionOf(doc: Y.Doc, clauseId: string): Y.XmlElement {
  return clauseElement(doc, clauseId).parent as Y.XmlElement;
}

/** A new clause element with `id` and one paragraph of `words`. */
function clauseWith(id: string, words: string): Y.XmlElement {
  const clause = new Y.XmlElement(NodeName.clause);
  clause.setAttribute(ID_ATTR, id);
  const paragraph = new Y.XmlElement(NodeName.paragraph);
  paragraph.insert(0, [new Y.XmlText(words)]);
  clause.insert(0, [paragraph]);
  return clause;
}

describe('brackets and clause ids cannot be forged through the text', () => {
  let server: TestServer;
  let drafterCookie: string;
  const opened: { destroy(): void }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    drafterCookie = (await server.signIn(DEMO.hungarianDrafter)).cookie;
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.dispose();
  });

  /** A fresh document with RETURN and TRAINING, PASSAGE of RETURN bracketed through the API, and an observer watching. */
  async function scene() {
    const { documentId, clauseIds } = createAmendableDocument(server, [RETURN, TRAINING]);
    const [returnId, trainingId] = clauseIds as [string, string];
    const [hu, pl] = await Promise.all([
      amendmentsAs(server, DEMO.hungarianDrafter, documentId),
      amendmentsAs(server, DEMO.penHolder, documentId),
    ]);
    const watcher = await watchDocument(server, DEMO.observer, documentId);
    opened.push(watcher);
    const bracket = passageIn(watcher.doc, returnId, PASSAGE, ['assisted return']);
    expect((await hu.newBracket(bracket)).status).toBe(201);
    await waitFor(() => bracketedText(watcher.doc, returnId, bracket.id) === PASSAGE, {
      what: 'the bracket seen live',
    });
    return { documentId, returnId, trainingId, hu, pl, watcher, bracket };
  }

  /** A drafter's honest edit the watcher must see: everything relayed before it has arrived. */
  async function barrier(documentId: string, watcher: WatchingClient): Promise<string> {
    const editor: CollabClient = await connectSynced(server.wsUrl, documentId, drafterCookie);
    opened.push(editor);
    const token = ` [barrier ${Math.random().toString(36).slice(2, 8)}]`;
    const [, trainingId] = [...clientClauseTexts(editor.doc).keys()] as [string, string];
    const text = firstParagraphText(editor.doc, trainingId);
    text.insert(text.length, token);
    await waitFor(() => contentOf(watcher.doc).includes(token), { what: `barrier${token}` });
    return token;
  }

  /**
   * Sends the update `change` makes on a raw drafter socket's copy of the
   * document: the server closes with 4400 saying why (`reason`), stores
   * nothing and relays nothing.
   */
  async function expectRefused(
    { documentId, watcher }: { documentId: string; watcher: WatchingClient },
    change: (doc: Y.Doc) => Uint8Array,
    reason: RegExp,
  ): Promise<void> {
    const socket = await openRawSocket(server.wsUrl, documentId, drafterCookie);
    opened.push({ destroy: () => socket.close() });
    await socket.requestFullState();
    const digest = storedRowsDigest(server, documentId);
    const seen = contentOf(watcher.doc);
    socket.send(syncUpdateMessage(change(socket.doc)));
    expect(await socket.closed).toBe(CloseCode.MalformedMessage);
    const refusal = noticesIn(socket.messages).find((notice) => notice.kind === 'refused');
    expect(refusal).toMatchObject({ kind: 'refused', closeCode: CloseCode.MalformedMessage });
    expect((refusal as { reason: string }).reason).toMatch(reason);
    expect(storedRowsDigest(server, documentId)).toBe(digest);
    const token = await barrier(documentId, watcher);
    expect(contentOf(watcher.doc).replace(token, '')).toBe(seen);
  }

  /** Sends the update `change` makes on a raw drafter socket's copy; waits until the watcher has `seen`. */
  async function expectAccepted(
    { documentId, watcher }: { documentId: string; watcher: WatchingClient },
    change: (doc: Y.Doc) => Uint8Array,
    seen: (doc: Y.Doc) => boolean,
  ): Promise<void> {
    const socket = await openRawSocket(server.wsUrl, documentId, drafterCookie);
    opened.push({ destroy: () => socket.close() });
    await socket.requestFullState();
    socket.send(syncUpdateMessage(change(socket.doc)));
    await waitFor(() => seen(watcher.doc), { what: 'the accepted change relayed' });
    expect(socket.closeCode).toBeUndefined();
  }

  describe('the bracket mark', () => {
    it('refuses a bracket without a record, on a passage of its own or in a copied paragraph', async () => {
      const at = await scene();
      const forged = { id: 'br-0123456789ab' };
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            firstParagraphText(doc, at.trainingId).format(8, 'joint training'.length, { bracket: forged });
          }),
        /bracket mark/,
      );
      // A paragraph pasted from elsewhere that carries the bracket of the passage (a copy with its id).
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const paragraph = new Y.XmlElement(NodeName.paragraph);
            const text = new Y.XmlText();
            text.insert(0, PASSAGE, { bracket: { id: at.bracket.id } });
            paragraph.insert(0, [text]);
            clauseElement(doc, at.trainingId).insert(1, [paragraph]);
          }),
        /bracket mark/,
      );
      expect(bracketedText(at.watcher.doc, at.trainingId, forged.id)).toBe('');
    });

    it("refuses taking an open bracket's mark off: a null mark, unbracketed words inside it, deleting a formatting item", async () => {
      const at = await scene();
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const text = firstParagraphText(doc, at.returnId);
            text.format(plain(text).indexOf(PASSAGE), PASSAGE.length, { [BRACKET_MARK]: null });
          }),
        // Yjs writes this as deleting both formatting items of the bracket.
        /changes the bracket of "voluntary return"/,
      );
      // Words put into the passage without its bracket: a null formatting item before them.
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const text = firstParagraphText(doc, at.returnId);
            text.insert(plain(text).indexOf(' return'), ' (unbracketed)', { [BRACKET_MARK]: null });
          }),
        /bracket mark \(null\)/,
      );
      const [opening, closing] = bracketFormats(firstParagraphText(at.watcher.doc, at.returnId)) as [
        Y.Item,
        Y.Item,
      ];
      expect((opening.content as Y.ContentFormat).value).toEqual({ id: at.bracket.id });
      expect((closing.content as Y.ContentFormat).value).toBeNull();
      const deletion = (item: Y.Item) => () =>
        handmadeUpdate([], [{ client: item.id.client, clock: item.id.clock, len: 1 }]);
      await expectRefused(at, deletion(opening), /changes the bracket of "voluntary return"/);
      // Deleting the closing item would stretch the bracket over the rest of the paragraph.
      await expectRefused(at, deletion(closing), /changes the bracket of " over forced return/);
      expect(bracketedText(at.watcher.doc, at.returnId, at.bracket.id)).toBe(PASSAGE);
    });

    it('refuses relabelling a bracket: another id on its passage, or its id on other words', async () => {
      const at = await scene();
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const text = firstParagraphText(doc, at.returnId);
            text.format(plain(text).indexOf(PASSAGE), PASSAGE.length, { bracket: { id: 'br-ffffffffffff' } });
          }),
        /bracket mark/,
      );
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const text = firstParagraphText(doc, at.returnId);
            text.format(plain(text).indexOf('forced return'), 'forced'.length, {
              bracket: { id: at.bracket.id },
            });
          }),
        /bracket mark/,
      );
      // The bracket still resolves as recorded.
      expect((await at.pl.resolveBracket(at.bracket.id, { keep: 1 })).status).toBe(200);
      await waitFor(
        () =>
          clientClauseTexts(at.watcher.doc).get(at.returnId) === RETURN.replace(PASSAGE, 'assisted return'),
        {
          what: 'the resolution live',
        },
      );
      expect(storedClauseTexts(server, at.documentId).get(at.returnId)).toBe(
        RETURN.replace(PASSAGE, 'assisted return'),
      );
    });

    it('accepts deleting a bracketed passage (Yjs deletes its formatting items with it), and a deletion racing typing inside it', async () => {
      const at = await scene();
      // The whole passage, as an editor deletes it: its characters and, by Yjs's clean-up, both formatting items.
      await expectAccepted(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const text = firstParagraphText(doc, at.returnId);
            text.delete(plain(text).indexOf(PASSAGE), PASSAGE.length);
          }),
        (doc) => !clientClauseTexts(doc).get(at.returnId)?.includes(PASSAGE),
      );
      expect(bracketFormats(firstParagraphText(at.watcher.doc, at.returnId))).toEqual([]);

      // A second bracket; a delegate deletes it from a copy made before another typed inside it.
      const second = passageIn(at.watcher.doc, at.trainingId, 'joint training');
      expect((await at.hu.newBracket(second)).status).toBe(201);
      await waitFor(() => bracketedText(at.watcher.doc, at.trainingId, second.id) === 'joint training');
      const socket = await openRawSocket(server.wsUrl, at.documentId, drafterCookie);
      opened.push({ destroy: () => socket.close() });
      await socket.requestFullState();
      const stale = new Y.Doc();
      Y.applyUpdate(stale, Y.encodeStateAsUpdate(socket.doc));
      const typist = await connectSynced(
        server.wsUrl,
        at.documentId,
        (await server.signIn(DEMO.czechDrafter)).cookie,
      );
      opened.push(typist);
      const typed = firstParagraphText(typist.doc, at.trainingId);
      typed.insert(plain(typed).indexOf('training') + 'train'.length, '[CZ]');
      await waitFor(() => bracketedText(at.watcher.doc, at.trainingId, second.id) === 'joint train[CZ]ing');
      socket.send(
        syncUpdateMessage(
          updateFrom(stale, (doc) => {
            const text = firstParagraphText(doc, at.trainingId);
            text.delete(plain(text).indexOf('joint training'), 'joint training'.length);
          }),
        ),
      );
      await waitFor(
        () =>
          clientClauseTexts(at.watcher.doc).get(at.trainingId) ===
          'Develop [CZ] for border guards on forged documents.',
        {
          what: 'the racing deletion applied',
        },
      );
      expect(socket.closeCode).toBeUndefined();
      // The words typed concurrently leave the bracket with the passage.
      expect(bracketedText(at.watcher.doc, at.trainingId, second.id)).toBe('');
      stale.destroy();
    });
  });

  describe('clause ids', () => {
    it('refuses a clause with an id the document has, two new clauses with one id, and a clause given another’s id', async () => {
      const at = await scene();
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            sectionOf(doc, at.returnId).insert(3, [clauseWith(at.returnId, 'A pasted copy.')]);
          }),
        new RegExp(`duplicate clause id: 2 clauses or sections would have the id "${at.returnId}"`),
      );
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            sectionOf(doc, at.returnId).insert(3, [
              clauseWith('cl-00000000abcd', 'One.'),
              clauseWith('cl-00000000abcd', 'Two.'),
            ]);
          }),
        /duplicate clause id: 2 clauses or sections would have the id "cl-00000000abcd"/,
      );
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            clauseElement(doc, at.trainingId).setAttribute(ID_ATTR, at.returnId);
          }),
        /duplicate clause id/,
      );
      const sectionId = String(sectionOf(at.watcher.doc, at.returnId).getAttribute(ID_ATTR));
      await expectRefused(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const section = new Y.XmlElement(NodeName.section);
            section.setAttribute(ID_ATTR, sectionId);
            doc.getXmlFragment('content').insert(doc.getXmlFragment('content').length, [section]);
          }),
        /duplicate clause id/,
      );
      expect([...clientClauseTexts(at.watcher.doc).keys()]).toEqual([at.returnId, at.trainingId]);
    });

    it('accepts moving a clause (deleted and re-inserted with its id) and a copy with a new id', async () => {
      const at = await scene();
      await expectAccepted(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            const section = sectionOf(doc, at.returnId);
            section.delete(1, 1);
            section.insert(2, [clauseWith(at.returnId, 'Moved after the training clause.')]);
          }),
        (doc) => [...clientClauseTexts(doc).keys()].join() === [at.trainingId, at.returnId].join(),
      );
      await expectAccepted(
        at,
        (base) =>
          updateFrom(base, (doc) => {
            sectionOf(doc, at.returnId).insert(3, [clauseWith('cl-0000000c0de1', 'A copy with its own id.')]);
          }),
        (doc) => clientClauseTexts(doc).has('cl-0000000c0de1'),
      );
      expect([...storedClauseTexts(server, at.documentId).keys()]).toEqual([
        at.trainingId,
        at.returnId,
        'cl-0000000c0de1',
      ]);
    });
  });
});
