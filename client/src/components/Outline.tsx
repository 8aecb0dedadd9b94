/**
 * The outline sidebar: preamble headings, numbered sections and their
 * clauses (number + first words). Clicking an entry scrolls the document to it.
 */
import type { Editor } from '@tiptap/core';
import { TextSelection } from '@tiptap/pm/state';
import { useEffect, useState } from 'react';
import { focusText } from '../editor/readOnlyCaret';
import { excerpt, readDocumentStructure } from '../editor/structure';

interface OutlineClause {
  key: string;
  id: string | null;
  number: string;
  excerpt: string;
}

interface OutlineSection {
  key: string;
  id: string | null;
  number: string;
  title: string;
  clauses: OutlineClause[];
}

interface OutlineModel {
  preamble: { key: string; text: string }[];
  sections: OutlineSection[];
}

/** Where an outline entry points: an id, or (for entries without one) its number. */
type OutlineTarget =
  | { kind: 'preamble'; index: number }
  | { kind: 'section' | 'clause'; id: string | null; number: string };

const REFRESH_DELAY_MS = 250;

function buildOutline(editor: Editor): OutlineModel {
  const structure = readDocumentStructure(editor.state.doc);
  return {
    preamble: structure.preambleHeadings.map((heading, index) => ({ key: `h${index}`, text: heading.text })),
    sections: structure.sections.map((section) => ({
      key: `${section.id ?? 'section'}:${section.number}`,
      id: section.id,
      number: section.number,
      title: section.title,
      clauses: section.clauses.map((clause) => ({
        key: `${clause.id ?? 'clause'}:${clause.number}`,
        id: clause.id,
        number: clause.number,
        excerpt: excerpt(clause.node.textContent),
      })),
    })),
  };
}

/** The current position of an outline entry (the document may have changed since it was drawn). */
function findTargetPos(editor: Editor, target: OutlineTarget): number | null {
  const structure = readDocumentStructure(editor.state.doc);
  if (target.kind === 'preamble') return structure.preambleHeadings[target.index]?.pos ?? null;
  for (const section of structure.sections) {
    if (
      target.kind === 'section' &&
      (target.id ? section.id === target.id : section.number === target.number)
    ) {
      return section.pos;
    }
    for (const clause of section.clauses) {
      if (
        target.kind === 'clause' &&
        (target.id ? clause.id === target.id : clause.number === target.number)
      ) {
        return clause.pos;
      }
    }
  }
  return null;
}

function goTo(editor: Editor, target: OutlineTarget) {
  const pos = findTargetPos(editor, target);
  if (pos === null) return;
  const element = editor.view.nodeDOM(pos);
  if (element instanceof HTMLElement) element.scrollIntoView({ behavior: 'smooth', block: 'start' });
  // The caret goes there, in a read-only text too (readers select from there by keyboard).
  const selection = TextSelection.near(editor.state.doc.resolve(pos + 1));
  editor.view.dispatch(editor.state.tr.setSelection(selection));
  focusText(editor.view);
}

function useOutline(editor: Editor): OutlineModel {
  const [outline, setOutline] = useState(() => buildOutline(editor));
  useEffect(() => {
    let timer: number | undefined;
    const schedule = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setOutline(buildOutline(editor)), REFRESH_DELAY_MS);
    };
    setOutline(buildOutline(editor));
    editor.on('update', schedule);
    return () => {
      window.clearTimeout(timer);
      editor.off('update', schedule);
    };
  }, [editor]);
  return outline;
}

function SectionEntry({ section, onGo }: { section: OutlineSection; onGo: (target: OutlineTarget) => void }) {
  return (
    <li className="outline__section">
      <button
        type="button"
        className="outline__link outline__link--section"
        data-section-id={section.id ?? undefined}
        onClick={() => onGo({ kind: 'section', id: section.id, number: section.number })}
      >
        <span className="outline__number">{section.number}.</span>
        <span className="outline__label">{section.title || 'Untitled area'}</span>
      </button>
      {section.clauses.length > 0 ? (
        <ol className="outline__clauses">
          {section.clauses.map((clause) => (
            <li key={clause.key}>
              <button
                type="button"
                className="outline__link outline__link--clause"
                data-clause-id={clause.id ?? undefined}
                onClick={() => onGo({ kind: 'clause', id: clause.id, number: clause.number })}
              >
                <span className="outline__number">{clause.number}</span>
                <span className="outline__label">{clause.excerpt || 'Empty action'}</span>
              </button>
            </li>
          ))}
        </ol>
      ) : null}
    </li>
  );
}

export function Outline({ editor }: { editor: Editor }) {
  const outline = useOutline(editor);
  const onGo = (target: OutlineTarget) => goTo(editor, target);
  return (
    <nav className="panel outline" aria-labelledby="outline-title" data-testid="outline">
      <h2 className="panel__title" id="outline-title">
        Outline
      </h2>
      {outline.preamble.length > 0 ? (
        <ul className="outline__preamble">
          {outline.preamble.map((heading, index) => (
            <li key={heading.key}>
              <button
                type="button"
                className="outline__link outline__link--preamble"
                onClick={() => onGo({ kind: 'preamble', index })}
              >
                {heading.text || 'Untitled heading'}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <ol className="outline__sections">
        {outline.sections.map((section) => (
          <SectionEntry key={section.key} section={section} onGo={onGo} />
        ))}
      </ol>
    </nav>
  );
}
