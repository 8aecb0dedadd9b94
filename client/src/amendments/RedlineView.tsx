/**
 * Clause texts in the amendments' cards and dialogs: a plain text (its
 * paragraphs), the same struck through whole (a clause to delete), and the
 * word redline between two texts — compare's redline (insertions underlined,
 * deletions struck through, said in words to screen readers).
 */
import type { RedlineSegment } from '@draftroom/shared';
import '../styles/compare-redline.css';
import { InlineRedline } from '../versions/compare/Redline';
import { clauseRedline } from './amendmentModel';

/** A clause's text, paragraph by paragraph; `deleted` strikes it all through. */
export function ClauseTextBlock({ text, deleted = false }: { text: string; deleted?: boolean }) {
  const paragraphs = text.split('\n');
  return (
    <div className="redline amendment-text">
      {paragraphs.map((paragraph, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a text is rendered whole, never reordered
        <p key={index} className="redline__paragraph">
          {deleted && paragraph ? <del className="redline__del">{paragraph}</del> : paragraph}
        </p>
      ))}
    </div>
  );
}

/** The redline of `segments` (or of `before` → `after`). */
export function AmendmentRedline({
  segments,
  before,
  after,
}: {
  segments?: RedlineSegment[];
  before?: string;
  after?: string;
}) {
  const shown = segments ?? clauseRedline(before ?? '', after ?? '');
  return <InlineRedline segments={shown} className="amendment-text" />;
}
