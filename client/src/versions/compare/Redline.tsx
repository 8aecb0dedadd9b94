/**
 * A word-level redline: insertions underlined in green, deletions struck
 * through in red. Inline (one text) or side by side (before | after). Screen
 * readers hear "inserted" / "deleted" from CSS-generated text (compare.css),
 * which stays out of the text people copy.
 */
import type { Segment } from '../types';

function renderSegment(segment: Segment, index: number) {
  if (segment.op === 'insert') {
    return (
      <ins key={index} className="redline__ins">
        {segment.text}
      </ins>
    );
  }
  if (segment.op === 'delete') {
    return (
      <del key={index} className="redline__del">
        {segment.text}
      </del>
    );
  }
  return <span key={index}>{segment.text}</span>;
}

export function InlineRedline({ segments, className }: { segments: Segment[]; className?: string }) {
  return (
    <div className={`redline ${className ?? ''}`} data-testid="redline">
      {segments.map(renderSegment)}
    </div>
  );
}

interface SideBySideProps {
  segments: Segment[];
  beforeLabel: string;
  afterLabel: string;
  /** Shown in a column that has no text (a clause added or removed). */
  beforeMissing?: string;
  afterMissing?: string;
}

/** Before (equal and deleted words) | after (equal and inserted words). */
export function SideBySideRedline({
  segments,
  beforeLabel,
  afterLabel,
  beforeMissing,
  afterMissing,
}: SideBySideProps) {
  const before = segments.filter((segment) => segment.op !== 'insert');
  const after = segments.filter((segment) => segment.op !== 'delete');
  return (
    <div className="redline-columns" data-testid="redline-columns">
      <div className="redline-columns__side">
        <p className="visually-hidden">{beforeLabel}</p>
        {beforeMissing ? (
          <p className="redline-columns__missing">{beforeMissing}</p>
        ) : (
          <div className="redline">{before.map(renderSegment)}</div>
        )}
      </div>
      <div className="redline-columns__side">
        <p className="visually-hidden">{afterLabel}</p>
        {afterMissing ? (
          <p className="redline-columns__missing">{afterMissing}</p>
        ) : (
          <div className="redline">{after.map(renderSegment)}</div>
        )}
      </div>
    </div>
  );
}
