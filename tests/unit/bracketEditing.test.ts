// @vitest-environment happy-dom
/**
 * What Draftroom's editor (its real TipTap extensions and the patched Yjs
 * binding) writes when delegates edit around a bracketed passage, checked by
 * the server's own update inspection: no edit writes, moves or takes off the
 * `bracket` mark (server/src/collab/bracketMarks.ts would close the socket
 * with 4400), no paste leaves two clauses with one id (uniqueIds.ts), and the
 * editor then shows exactly the brackets the Y.Doc has.
 */
import { BRACKET_MARK, ID_ATTR, NodeName } from '@draftroom/shared';
import { readYSections } from '@draftroom/shared/yClauses';
import { Editor } from '@tiptap/core';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildEditorExtensions } from '../../client/src/editor/extensions';
import { checkBracketMarks } from '../../server/src/collab/bracketMarks';
import { checkDocumentModel } from '../../server/src/collab/documentModel';
import { checkUniqueIds } from '../../server/src/collab/uniqueIds';
import { UpdateIndex } from '../../server/src/collab/updateIndex';
import { decodeClientUpdate } from '../../server/src/collab/updateInspection';
import { ParentResolver } from '../../server/src/collab/updateParents';

const FIRST = 'Give priority to voluntary return over forced return.';
const SECOND = 'Second paragraph with words.';
const PASSAGE = 'voluntary return';
const AT = FIRST.indexOf(PASSAGE);
const END = AT + PASSAGE.length;

/** The server's document: one clause of two paragraphs, a bracket in each, written as the bracket commands do. */
function serverDocument(): Y.Doc {
  const doc = new Y.Doc();
  const section = new Y.XmlElement(NodeName.section);
  section.setAttribute(ID_ATTR, 'sec-test');
  const heading = new Y.XmlElement(NodeName.sectionHeading);
  heading.insert(0, [new Y.XmlText('Return')]);
  const clause = new Y.XmlElement(NodeName.clause);
  clause.setAttribute(ID_ATTR, 'cl-test');
  const paragraphs = [FIRST, SECOND].map((words) => {
    const paragraph = new Y.XmlElement(NodeName.paragraph);
    paragraph.insert(0, [new Y.XmlText(words)]);
    return paragraph;
  });
  clause.insert(0, paragraphs);
  section.insert(0, [heading, clause]);
  doc.getXmlFragment('content').insert(0, [section]);
  const texts = paragraphs.map((paragraph) => paragraph.get(0) as Y.XmlText);
  texts[0]?.format(AT, PASSAGE.length, { [BRACKET_MARK]: { id: 'br-000000000001' } });
  texts[1]?.format(7, 'paragraph'.length, { [BRACKET_MARK]: { id: 'br-000000000002' } });
  return doc;
}

/** The server's checks of a client update that concern brackets, ids and the model (throws CollabRefusal). */
function inspect(server: Y.Doc, update: Uint8Array): void {
  const index = new UpdateIndex(server, decodeClientUpdate(update));
  const parents = new ParentResolver(index);
  checkDocumentModel(index, parents);
  checkBracketMarks(index, parents);
  checkUniqueIds(index, parents);
}

interface Session {
  server: Y.Doc;
  editor: Editor;
  /** Every update the editor's Y.Doc sent, each inspected and applied by the server as it came. */
  sent: Uint8Array[];
}

let session: Session | null = null;
afterEach(() => {
  session?.editor.destroy();
  session = null;
});

function open(): Session {
  const server = serverDocument();
  const ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(server));
  const editor = new Editor({
    element: document.createElement('div'),
    extensions: buildEditorExtensions({ ydoc }),
  });
  const sent: Uint8Array[] = [];
  ydoc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === 'server') return;
    sent.push(update);
    inspect(server, update);
    Y.applyUpdate(server, update, 'client');
  });
  session = { server, editor, sent };
  return session;
}

/** Document position of `offset` characters into paragraph `index` of the clause. */
function at(editor: Editor, index: number, offset: number): number {
  let seen = 0;
  let found = -1;
  editor.state.doc.descendants((node, pos) => {
    if (found >= 0) return false;
    if (node.type.name === NodeName.paragraph && seen++ === index) found = pos + 1 + offset;
    return true;
  });
  return found;
}

/** Each paragraph's text with its brackets as `[id:words]`, from ProseMirror. */
function shown(editor: Editor): string[] {
  const paragraphs: string[] = [];
  editor.state.doc.descendants((node) => {
    if (!node.isTextblock || node.type.name === NodeName.sectionHeading) return true;
    let text = '';
    node.forEach((child) => {
      const bracket = child.marks.find((mark) => mark.type.name === BRACKET_MARK);
      text += bracket ? `[${String(bracket.attrs.id).slice(-1)}:${child.text}]` : (child.text ?? '');
    });
    paragraphs.push(text);
    return false;
  });
  return paragraphs;
}

/** The same, from a Y.Doc. */
function stored(doc: Y.Doc): string[] {
  const paragraphs: string[] = [];
  const visit = (node: Y.XmlElement | Y.XmlFragment) => {
    for (const child of node.toArray()) {
      if (!(child instanceof Y.XmlElement)) continue;
      if (child.nodeName === NodeName.sectionHeading) continue;
      if (child.nodeName !== NodeName.paragraph) {
        visit(child);
        continue;
      }
      const ops = (child.get(0) as Y.XmlText | undefined)?.toDelta() ?? [];
      paragraphs.push(
        (ops as { insert: string; attributes?: Record<string, { id: string }> }[])
          .map(({ insert, attributes }) =>
            attributes?.[BRACKET_MARK] ? `[${attributes[BRACKET_MARK].id.slice(-1)}:${insert}]` : insert,
          )
          .join(''),
      );
    }
  };
  visit(doc.getXmlFragment('content'));
  return paragraphs;
}

function clauseIds(editor: Editor): string[] {
  const ids: string[] = [];
  editor.state.doc.descendants((node) => {
    if (node.type.name === NodeName.clause) ids.push(String(node.attrs[ID_ATTR]));
    return node.type.name !== NodeName.clause;
  });
  return ids;
}

/** Runs `edit`, then expects the server to have accepted everything and the editor to show `paragraphs`. */
function expectAfter(edit: (editor: Editor) => void, paragraphs: string[]): Session {
  const current = open();
  edit(current.editor);
  expect(current.sent.length).toBeGreaterThan(0);
  expect(stored(current.server)).toEqual(paragraphs);
  expect(shown(current.editor)).toEqual(paragraphs);
  return current;
}

const type = (editor: Editor, pos: number, text: string) => {
  editor.commands.setTextSelection(pos);
  for (const character of text) editor.view.dispatch(editor.state.tr.insertText(character));
};

const SECOND_SHOWN = 'Second [2:paragraph] with words.';

describe('editing around a bracket writes nothing the server refuses, and shows what the document has', () => {
  it('typing inside a bracket extends its passage; at its start or end, outside it', () => {
    expectAfter(
      (editor) => {
        type(editor, at(editor, 0, AT + 3), 'XY');
        type(editor, at(editor, 0, END + 2), '!');
        type(editor, at(editor, 0, AT), '>');
      },
      ['Give priority to >[1:volXYuntary return]! over forced return.', SECOND_SHOWN],
    );
  });

  it('typing after a bracket that ends its paragraph stays outside it', () => {
    expectAfter(
      (editor) => type(editor, at(editor, 1, SECOND.length - ' with words.'.length), ' and more'),
      [FIRST.replace(PASSAGE, `[1:${PASSAGE}]`), 'Second [2:paragraph] and more with words.'],
    );
  });

  it('deleting inside a bracket, and deleting the whole passage, go through', () => {
    expectAfter(
      (editor) => {
        editor.view.dispatch(editor.state.tr.delete(at(editor, 0, AT + 2), at(editor, 0, AT + 4)));
        editor.view.dispatch(editor.state.tr.delete(at(editor, 1, 7), at(editor, 1, 16)));
      },
      ['Give priority to [1:vontary return] over forced return.', 'Second  with words.'],
    );
  });

  it('undoing the deletion of a bracketed passage brings the words back without the bracket; redo deletes them again', () => {
    const { editor, server } = expectAfter(
      (current) => {
        current.view.dispatch(current.state.tr.delete(at(current, 0, AT), at(current, 0, END)));
        current.commands.undo();
      },
      [FIRST, SECOND_SHOWN],
    );
    editor.commands.redo();
    expect(stored(server)).toEqual([FIRST.replace(PASSAGE, ''), SECOND_SHOWN]);
    expect(shown(editor)).toEqual(stored(server));
  });

  it('splitting a paragraph inside, before and after a bracket: the words moved to a new paragraph leave it', () => {
    expectAfter(
      (editor) => {
        editor.commands.setTextSelection(at(editor, 0, AT + 3));
        editor.commands.splitBlock();
      },
      ['Give priority to vol', '[1:untary return] over forced return.', SECOND_SHOWN],
    );
    expectAfter(
      (editor) => {
        editor.commands.setTextSelection(at(editor, 1, SECOND.length - 6));
        editor.commands.splitBlock();
      },
      [FIRST.replace(PASSAGE, `[1:${PASSAGE}]`), 'Second [2:paragraph] with ', 'words.'],
    );
  });

  it('joining a paragraph that holds a bracket to the one before: its words leave the bracket', () => {
    expectAfter(
      (editor) => {
        editor.commands.setTextSelection(at(editor, 1, 0));
        editor.commands.joinBackward();
      },
      [`${FIRST.replace(PASSAGE, `[1:${PASSAGE}]`)}${SECOND}`],
    );
  });

  it('bold over part of a bracket keeps the bracket whole', () => {
    const { server } = expectAfter(
      (editor) => {
        editor.commands.setTextSelection({ from: at(editor, 0, AT - 4), to: at(editor, 0, AT + 4) });
        editor.commands.toggleBold();
      },
      [FIRST.replace(PASSAGE, '[1:volu][1:ntary return]'), SECOND_SHOWN],
    );
    const first = (server
      .getXmlFragment('content')
      .toString()
      .match(/<paragraph>.*?<\/paragraph>/) ?? [''])[0];
    expect(first).toContain('<bold>');
  });

  it('pasting a copied bracketed passage elsewhere pastes its words without the bracket', () => {
    expectAfter(
      (editor) => {
        editor.commands.setTextSelection(at(editor, 1, 0));
        editor.view.pasteHTML(`<p><span data-bracket-id="br-000000000001">${PASSAGE}</span> </p>`);
      },
      [FIRST.replace(PASSAGE, `[1:${PASSAGE}]`), `${PASSAGE}${SECOND_SHOWN}`],
    );
  });

  it('pasting words into a bracketed passage puts them in the bracket, as typing does', () => {
    expectAfter(
      (editor) => {
        editor.commands.setTextSelection(at(editor, 0, AT + 3));
        editor.view.pasteHTML('<b>pasted</b>');
        editor.commands.setTextSelection(at(editor, 1, 9));
        editor.view.pasteText('plain');
      },
      [FIRST.replace(PASSAGE, '[1:vol][1:pasted][1:untary return]'), 'Second [2:paplainragraph] with words.'],
    );
  });

  it('pasting a copy of a clause gives the copy a new id, before or after the original, which keeps its own', () => {
    const html = `<div data-type="clause" data-clause-id="cl-test"><p>Copied clause.</p></div>`;
    for (const where of ['before', 'after'] as const) {
      const { editor, server } = open();
      const clauseStart = at(editor, 0, 0) - 2;
      const clauseEnd = at(editor, 1, SECOND.length) + 2;
      editor.commands.setTextSelection(where === 'before' ? clauseStart + 2 : clauseEnd - 2);
      editor.commands.splitClause();
      editor.view.pasteHTML(html);
      const ids = clauseIds(editor);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toContain('cl-test');
      const original = ids.indexOf('cl-test');
      expect(shown(editor)[where === 'before' ? 1 : 0]).toContain(PASSAGE);
      expect(original).toBe(where === 'before' ? ids.length - 1 : 0);
      expect(stored(server)).toEqual(shown(editor));
      expect(readYSections(server).flatMap((section) => section.clauses.map((clause) => clause.id))).toEqual(
        ids,
      );
      editor.destroy();
      session = null;
    }
  });
});
