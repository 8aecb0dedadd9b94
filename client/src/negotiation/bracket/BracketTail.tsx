/**
 * What follows a bracketed passage in the text: the proponent of its wording,
 * the other alternatives with theirs, the closing bracket — `[A ᶜᶻ / B ᴴᵁ]` —
 * and a button that opens the bracket's details.
 */
import type { Bracket } from '@draftroom/shared';
import type { Editor } from '@tiptap/core';
import { Fragment } from 'react';
import { useNegotiationContext } from '../NegotiationContext';
import { Popover, usePopover } from '../Popover';
import { BracketDetails } from './BracketDetails';

function Alternatives({ bracket }: { bracket: Bracket }) {
  const [first, ...others] = bracket.alternatives;
  return (
    <>
      {first ? (
        <sup className="bracket-code" title={`Proposed by ${first.proponentCode}`}>
          {first.proponentCode}
        </sup>
      ) : null}
      {others.map((option) => (
        <Fragment key={option.index}>
          <span className="bracket-separator"> / </span>
          <span className="bracket-alternative">{option.text || '(no text)'}</span>
          <sup className="bracket-code" title={`Proposed by ${option.proponentCode}`}>
            {option.proponentCode}
          </sup>
        </Fragment>
      ))}
    </>
  );
}

export function BracketTail({ editor, bracketId }: { editor: Editor; bracketId: string }) {
  const { snapshot } = useNegotiationContext();
  const popover = usePopover();
  const bracket = snapshot.index.bracketsById.get(bracketId);
  const count = bracket?.alternatives.length ?? 0;
  return (
    <span className="bracket-tail" data-bracket-tail={bracketId}>
      {bracket ? <Alternatives bracket={bracket} /> : null}
      <span className="bracket-close" aria-hidden="true">
        ]
      </span>
      <button
        ref={popover.anchorRef}
        type="button"
        className="bracket-options"
        aria-haspopup="dialog"
        aria-expanded={popover.open}
        aria-label={`Bracket with ${count} ${count === 1 ? 'alternative' : 'alternatives'}: details`}
        title="Alternatives and resolution"
        onClick={popover.toggle}
      >
        {count > 1 ? count : '…'}
      </button>
      {popover.open ? (
        <Popover
          anchorRef={popover.anchorRef}
          onClose={popover.close}
          label="Bracket"
          className="popover--wide"
        >
          <BracketDetails editor={editor} bracketId={bracketId} onDone={popover.close} />
        </Popover>
      ) : null}
    </span>
  );
}
