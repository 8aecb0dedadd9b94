/**
 * A word-level redline: insertions underlined in green, deletions struck
 * through in red. Inline (one text) or side by side (before | after). Each
 * paragraph of the clause is a paragraph on screen; a paragraph break that
 * was inserted or deleted (a paragraph split or joined) ends its paragraph
 * with a ¶ mark, as in Word's track changes. Screen readers hear "inserted" /
 * "deleted" from CSS-generated text (compare.css), which stays out of the
 * text people copy, and "paragraph break" for a ¶ mark.
 */
import {
  type RedlinePiece,
  type RedlineSegment,
  type RedlineView,
  redlineParagraphs,
} from '@draftroom/shared';

function PieceText({ piece }: { piece: RedlinePiece }) {
  if (!piece.paragraphMark) return <>{piece.text}</>;
  return (
    <>
      <span aria-hidden="true">{piece.text}</span>
      <span className="visually-hidden">paragraph break</span>
    </>
  );
}

function renderPiece(piece: RedlinePiece, index: number) {
  const className = piece.paragraphMark ? ' redline__mark' : '';
  const title = piece.paragraphMark
    ? `Paragraph break ${piece.op === 'insert' ? 'inserted' : 'deleted'}`
    : undefined;
  if (piece.op === 'insert') {
    return (
      <ins key={index} className={`redline__ins${className}`} title={title}>
        <PieceText piece={piece} />
      </ins>
    );
  }
  if (piece.op === 'delete') {
    return (
      <del key={index} className={`redline__del${className}`} title={title}>
        <PieceText piece={piece} />
      </del>
    );
  }
  return <span key={index}>{piece.text}</span>;
}

/** The paragraphs of a redline as `view` shows them; a single paragraph needs no wrapper. */
export function RedlineText({ segments, view }: { segments: RedlineSegment[]; view: RedlineView }) {
  const paragraphs = redlineParagraphs(segments, view);
  if (paragraphs.length === 1) return <>{paragraphs[0]?.map(renderPiece)}</>;
  return (
    <>
      {paragraphs.map((pieces, index) => (
        // Paragraphs have no identity of their own: their position is their key.
        // biome-ignore lint/suspicious/noArrayIndexKey: a redline is rendered whole, never reordered
        <p key={index} className="redline__paragraph" data-testid="redline-paragraph">
          {pieces.map(renderPiece)}
        </p>
      ))}
    </>
  );
}

export function InlineRedline({ segments, className }: { segments: RedlineSegment[]; className?: string }) {
  return (
    <div className={`redline ${className ?? ''}`} data-testid="redline">
      <RedlineText segments={segments} view="inline" />
    </div>
  );
}

interface SideBySideProps {
  segments: RedlineSegment[];
  beforeLabel: string;
  afterLabel: string;
  /** Shown in a column that has no text (a clause added or removed). */
  beforeMissing?: string;
  afterMissing?: string;
}

/** Before (equal and deleted words, its paragraphs) | after (equal and inserted words, its paragraphs). */
export function SideBySideRedline({
  segments,
  beforeLabel,
  afterLabel,
  beforeMissing,
  afterMissing,
}: SideBySideProps) {
  return (
    <div className="redline-columns" data-testid="redline-columns">
      <div className="redline-columns__side">
        <p className="visually-hidden">{beforeLabel}</p>
        {beforeMissing ? (
          <p className="redline-columns__missing">{beforeMissing}</p>
        ) : (
          <div className="redline">
            <RedlineText segments={segments} view="before" />
          </div>
        )}
      </div>
      <div className="redline-columns__side">
        <p className="visually-hidden">{afterLabel}</p>
        {afterMissing ? (
          <p className="redline-columns__missing">{afterMissing}</p>
        ) : (
          <div className="redline">
            <RedlineText segments={segments} view="after" />
          </div>
        )}
      </div>
    </div>
  );
}
