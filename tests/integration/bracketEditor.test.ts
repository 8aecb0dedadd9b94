/**
 * Honest editing never meets the bracket and clause-id refusals: Draftroom's
 * real editor (TipTap extensions and the patched Yjs binding, DOM from
 * happy-dom) on a y-websocket provider against the real server. A delegate
 * types, deletes, undoes and pastes in and around bracketed passages and
 * pastes a copy of a clause: the connection is never closed, the server
 * stores what the editor shows, brackets stay only where the bracket commands
 * put them, and every clause keeps a distinct id.
 */
import { BRACKET_MARK, ID_ATTR, NodeName } from '@draftroom/shared';
import type { Editor } from '@tiptap/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  amendmentsAs,
  clientClauseTexts,
  createAmendableDocument,
  storedClauseTexts,
  watchDocument,
} from '../support/amendmentsApi';
import { bracketedText, passageIn } from '../support/bracketPassages';
import { contentOf } from '../support/collabClient';
import { installDom, openProviderEditor, type ProviderEditor } from '../support/headlessEditor';
import { loadStoredDoc } from '../support/rawCollab';
import { DEMO, startTestServer, type TestServer } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const RETURN = 'Give priority to voluntary return over forced return, in cooperation with IOM.';
const TRAINING = 'Develop joint training for border guards on forged documents.';

/** Position in the editor `offset` characters after the start of `words` in clause `clauseId`'s first paragraph. */
function positionIn(editor: Editor, clauseId: string, words: string, offset = 0): number {
  let found = -1;
  editor.state.doc.descendants((node, pos) => {
    if (found >= 0) return false;
    if (node.type.name !== NodeName.clause || node.attrs[ID_ATTR] !== clauseId) return true;
    const paragraph = node.firstChild;
    const at = paragraph?.textContent.indexOf(words) ?? -1;
    if (at < 0) throw new Error(`"${words}" is not in clause ${clauseId}`);
    found = pos + 2 + at + offset;
    return false;
  });
  if (found < 0) throw new Error(`no clause ${clauseId}`);
  return found;
}

/** Types `text` key by key at `pos`. */
function type(editor: Editor, pos: number, text: string): void {
  editor.commands.setTextSelection(pos);
  for (const character of text) editor.view.dispatch(editor.state.tr.insertText(character));
}

/** The words of the editor carrying bracket `id`. */
function shownBracket(editor: Editor, id: string): string {
  let words = '';
  editor.state.doc.descendants((node) => {
    if (node.isText && node.marks.some((mark) => mark.type.name === BRACKET_MARK && mark.attrs.id === id))
      words += node.text;
    return true;
  });
  return words;
}

/** Clause ids in document order, as the editor has them. */
function editorClauseIds(editor: Editor): string[] {
  const ids: string[] = [];
  editor.state.doc.descendants((node) => {
    if (node.type.name === NodeName.clause) ids.push(String(node.attrs[ID_ATTR]));
    return node.type.name !== NodeName.clause;
  });
  return ids;
}

describe('editing bracketed text in the real editor', () => {
  let server: TestServer;
  let removeDom: () => void;
  const opened: { destroy(): void }[] = [];

  beforeAll(async () => {
    removeDom = installDom();
    server = await startTestServer();
  });
  afterEach(() => {
    for (const client of opened.splice(0)) client.destroy();
  });
  afterAll(async () => {
    await server.dispose();
    removeDom();
  });

  async function scene() {
    const { documentId, clauseIds } = createAmendableDocument(server, [RETURN, TRAINING]);
    const [returnId, trainingId] = clauseIds as [string, string];
    const hu = await amendmentsAs(server, DEMO.hungarianDrafter, documentId);
    const cz: ProviderEditor = await openProviderEditor(
      server.wsUrl,
      documentId,
      (await server.signIn(DEMO.czechDrafter)).cookie,
    );
    const watcher = await watchDocument(server, DEMO.observer, documentId);
    opened.push(cz, watcher);
    const bracket = async (clauseId: string, words: string) => {
      const input = passageIn(cz.client.doc, clauseId, words);
      expect((await hu.newBracket(input)).status).toBe(201);
      await waitFor(() => shownBracket(cz.editor, input.id) === words, { what: `[${words}] in the editor` });
      return input.id;
    };
    /** Waits until the server has stored `texts` (clause id → text) and the observer sees the same as the editor. */
    const settled = async (texts: Map<string, string>) => {
      await waitFor(
        () => JSON.stringify([...storedClauseTexts(server, documentId)]) === JSON.stringify([...texts]),
        {
          what: 'the edits stored',
        },
      );
      await waitFor(() => contentOf(watcher.doc) === contentOf(cz.client.doc), {
        what: 'the observer converged',
      });
      expect(cz.client.closeCodes).toEqual([]);
      expect(cz.client.provider.wsconnected).toBe(true);
    };
    const stored = <T>(read: (doc: import('yjs').Doc) => T): T => {
      const doc = loadStoredDoc(server.server.repositories.documentStorage, documentId);
      try {
        return read(doc);
      } finally {
        doc.destroy();
      }
    };
    return { documentId, returnId, trainingId, cz, watcher, bracket, settled, stored };
  }

  it('types inside a bracket and at its edges, deletes inside it: accepted, the passage grows only inside', async () => {
    const { returnId, trainingId, cz, bracket, settled, stored } = await scene();
    const id = await bracket(returnId, 'voluntary return');
    const { editor } = cz;
    type(editor, positionIn(editor, returnId, 'voluntary', 'voluntary'.length), ' and dignified');
    type(editor, positionIn(editor, returnId, ' over forced'), ' now');
    type(editor, positionIn(editor, returnId, 'voluntary'), 'safe ');
    editor.commands.setTextSelection(positionIn(editor, returnId, 'and dignified'));
    editor.commands.deleteRange({
      from: positionIn(editor, returnId, 'and dignified'),
      to: positionIn(editor, returnId, 'dignified'),
    });
    const expected =
      'Give priority to safe voluntary dignified return now over forced return, in cooperation with IOM.';
    await settled(
      new Map([
        [returnId, expected],
        [trainingId, TRAINING],
      ]),
    );
    expect(stored((doc) => bracketedText(doc, returnId, id))).toBe('voluntary dignified return');
    expect(shownBracket(editor, id)).toBe('voluntary dignified return');
  });

  it('deletes a whole bracketed passage and undoes it: the words come back without the bracket', async () => {
    const { returnId, trainingId, cz, bracket, settled, stored } = await scene();
    const id = await bracket(trainingId, 'joint training');
    const { editor } = cz;
    editor.commands.deleteRange({
      from: positionIn(editor, trainingId, 'joint training'),
      to: positionIn(editor, trainingId, 'joint training', 'joint training'.length),
    });
    await settled(
      new Map([
        [returnId, RETURN],
        [trainingId, TRAINING.replace('joint training', '')],
      ]),
    );
    editor.commands.undo();
    await settled(
      new Map([
        [returnId, RETURN],
        [trainingId, TRAINING],
      ]),
    );
    expect(stored((doc) => bracketedText(doc, trainingId, id))).toBe('');
    expect(shownBracket(editor, id)).toBe('');
  });

  it('pastes a copied bracketed passage and a copied clause: no bracket on the copy, a new id for the clause', async () => {
    const { returnId, trainingId, cz, bracket, settled, stored } = await scene();
    const id = await bracket(returnId, 'voluntary return');
    const { editor } = cz;
    editor.commands.setTextSelection(positionIn(editor, trainingId, 'for border'));
    editor.view.pasteHTML(`<span data-bracket-id="${id}">voluntary return</span> `);
    // A copy of the return clause (as the editor copies it: its element with its id), pasted before it.
    editor.commands.setTextSelection(positionIn(editor, returnId, 'Give'));
    editor.commands.splitClause();
    editor.commands.setTextSelection(positionIn(editor, returnId, 'Give') - 4);
    editor.view.pasteHTML(`<div data-type="clause" data-clause-id="${returnId}"><p>Copied clause.</p></div>`);
    const ids = editorClauseIds(editor);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.indexOf(returnId)).toBe(ids.length - 2);
    const texts = clientClauseTexts(cz.client.doc);
    expect(texts.get(returnId)).toBe(RETURN);
    expect(texts.get(trainingId)).toBe(TRAINING.replace('for border', 'voluntary returnfor border'));
    await settled(texts);
    expect(stored((doc) => bracketedText(doc, returnId, id))).toBe('voluntary return');
    expect(stored((doc) => bracketedText(doc, trainingId, id))).toBe('');
  });
});
