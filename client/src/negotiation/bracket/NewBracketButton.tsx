/**
 * "Bracket" (drafters and the pen-holder): asks the server to put the selected
 * passage of a clause in brackets, optionally with a second wording. The
 * server marks the passage and records the bracket (the passage as
 * alternative A) in one commit; the marked text arrives through Yjs.
 */
import type { RangeAnchor } from '@draftroom/shared';
import type { Editor } from '@tiptap/core';
import { useEditorState } from '@tiptap/react';
import { type FormEvent, useState } from 'react';
import { useToasts } from '../../components/Toasts';
import { newBracketId } from '../editor/bracketMark';
import { createRangeAnchor, resolveRangeAnchor } from '../editor/commentAnchors';
import { clauseSelection, overlapsBracket } from '../editor/selection';
import { BracketIcon } from '../icons';
import { useNegotiationContext } from '../NegotiationContext';
import type { NegotiationStore } from '../negotiationStore';
import { Popover, usePopover } from '../Popover';
import { useNegotiationActions } from '../useNegotiationActions';

/** The longest passage a bracket covers (its wording is alternative A). */
const MAX_PASSAGE = 5_000;

interface Bracketable {
  ok: boolean;
  why: string;
}

/** True when [from, to] is text of one paragraph, with no line break in it (the server brackets only such). */
function withinOneLine(editor: Editor, from: number, to: number): boolean {
  const { doc } = editor.state;
  const $from = doc.resolve(from);
  if (!$from.sameParent(doc.resolve(to)) || !$from.parent.isTextblock) return false;
  let textOnly = true;
  doc.nodesBetween(from, to, (node) => {
    if (node.isInline && !node.isText) textOnly = false;
  });
  return textOnly;
}

function bracketable(editor: Editor, store: NegotiationStore): Bracketable {
  if (!editor.isEditable) return { ok: false, why: 'Editing is turned off.' };
  const selection = clauseSelection(editor);
  if (!selection?.text.trim()) return { ok: false, why: 'Select a passage of one clause first.' };
  if (store.getSnapshot().index.statusByClause.get(selection.clause.id)?.status === 'agreed') {
    return { ok: false, why: `Clause ${selection.clause.number} is agreed and locked.` };
  }
  if (!withinOneLine(editor, selection.from, selection.to)) {
    return { ok: false, why: 'Select words within one line of one paragraph.' };
  }
  if (selection.to - selection.from > MAX_PASSAGE) {
    return { ok: false, why: 'A bracket covers at most 5,000 characters.' };
  }
  if (overlapsBracket(editor, selection.from, selection.to)) {
    return { ok: false, why: 'The selection overlaps a bracketed passage.' };
  }
  return { ok: true, why: `Bracket the selected passage of clause ${selection.clause.number}` };
}

interface Target {
  clauseId: string;
  number: string;
  anchor: RangeAnchor;
}

function BracketForm({ editor, target, onDone }: { editor: Editor; target: Target; onDone: () => void }) {
  const actions = useNegotiationActions();
  const { showToast } = useToasts();
  const [alternative, setAlternative] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    // The passage as it is now (others may have typed around it since it was selected).
    const range = resolveRangeAnchor(editor.state, target.anchor);
    const anchor =
      range && range.from < range.to ? createRangeAnchor(editor.state, range.from, range.to) : null;
    if (!anchor) {
      showToast({ message: 'The selected passage is no longer in the text.', tone: 'warning' });
      onDone();
      return;
    }
    setBusy(true);
    const others = alternative.trim() ? [alternative.trim()] : [];
    await actions.createBracket({
      id: newBracketId(),
      clauseId: target.clauseId,
      anchor,
      alternatives: [anchor.quote, ...others],
    });
    setBusy(false);
    onDone();
    editor.commands.focus();
  };
  return (
    <form className="bracket-form" onSubmit={submit}>
      <p className="popover__title">Bracket a passage of clause {target.number}</p>
      <blockquote className="quote">{target.anchor.quote}</blockquote>
      <label className="field-label" htmlFor="bracket-alternative">
        Alternative wording <span className="field-label__optional">(optional)</span>
      </label>
      <textarea
        id="bracket-alternative"
        className="text-input"
        rows={2}
        maxLength={5000}
        value={alternative}
        onChange={(event) => setAlternative(event.target.value)}
      />
      <div className="popover__actions">
        <button type="button" className="button button--small button--quiet" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button--small button--primary" disabled={busy}>
          Bracket
        </button>
      </div>
    </form>
  );
}

export function NewBracketButton({ editor }: { editor: Editor }) {
  const { store } = useNegotiationContext();
  const popover = usePopover();
  const [target, setTarget] = useState<Target | null>(null);
  const state = useEditorState({ editor, selector: ({ editor: current }) => bracketable(current, store) });
  const open = () => {
    const selection = clauseSelection(editor);
    const anchor = selection ? createRangeAnchor(editor.state, selection.from, selection.to) : null;
    if (!selection || !anchor) return;
    setTarget({ clauseId: selection.clause.id, number: selection.clause.number, anchor });
    popover.setOpen(true);
  };
  return (
    <>
      <button
        ref={popover.anchorRef}
        type="button"
        className="toolbar__button toolbar__button--labelled"
        aria-label="Bracket the selected passage"
        aria-haspopup="dialog"
        aria-expanded={popover.open}
        title={state.why}
        disabled={!state.ok && !popover.open}
        onMouseDown={(event) => event.preventDefault()}
        onClick={() => (popover.open ? popover.close() : open())}
      >
        <BracketIcon />
        <span className="toolbar__text">Bracket</span>
      </button>
      {popover.open && target ? (
        <Popover anchorRef={popover.anchorRef} onClose={popover.close} label="Bracket a passage">
          <BracketForm editor={editor} target={target} onDone={popover.close} />
        </Popover>
      ) : null}
    </>
  );
}
