/** The body of a comparison: the preamble, then each section with its heading and clauses. */
import type { DocumentComparison, SectionComparison } from '@draftroom/shared';
import { ClauseEntry, type CompareSides, type CompareView } from './ClauseEntry';
import {
  type ClauseNumbers,
  clauseAnchor,
  clauseHasChanges,
  numberLabel,
  PREAMBLE_ANCHOR,
  sectionAnchor,
  sectionElementId,
  sectionTitleChanged,
} from './model';
import { InlineRedline } from './Redline';

interface ViewOptions {
  view: CompareView;
  hideUnchanged: boolean;
  sides: CompareSides;
  numbers: ClauseNumbers;
  currentAnchor: string | null;
}

const SECTION_CHANGE_LABEL: Record<SectionComparison['change'], string> = {
  unchanged: '',
  added: 'Section added',
  removed: 'Section removed',
  renamed: 'Title changed',
  moved: 'Section moved',
};

function SectionHeading({ section, current }: { section: SectionComparison; current: boolean }) {
  const changed = sectionTitleChanged(section);
  const number = numberLabel(section.beforeNumber, section.afterNumber);
  return (
    <header
      className={`section-diff__head${current ? ' is-current' : ''}`}
      id={changed ? sectionAnchor(section.sectionId) : undefined}
      tabIndex={changed ? -1 : undefined}
    >
      <h3 className="section-diff__title">
        <span className="section-diff__number">{number}.</span>{' '}
        {section.renamed ? (
          <InlineRedline segments={section.titleRedline} className="redline--title" />
        ) : (
          (section.afterTitle ?? section.beforeTitle)
        )}
      </h3>
      {changed ? (
        <span className={`change-tag change-tag--${section.change}`}>
          {SECTION_CHANGE_LABEL[section.change]}
        </span>
      ) : null}
      {section.moved && section.change !== 'moved' ? (
        <span className="change-tag change-tag--moved">Moved</span>
      ) : null}
    </header>
  );
}

function SectionDiff({ section, options }: { section: SectionComparison; options: ViewOptions }) {
  const shown = options.hideUnchanged ? section.clauses.filter(clauseHasChanges) : section.clauses;
  const hidden = section.clauses.length - shown.length;
  if (options.hideUnchanged && shown.length === 0 && !sectionTitleChanged(section)) {
    return (
      <section className="section-diff section-diff--quiet" id={sectionElementId(section.sectionId)}>
        <p className="section-diff__quiet">
          {numberLabel(section.beforeNumber, section.afterNumber)}.{' '}
          {section.afterTitle ?? section.beforeTitle} — no changes
        </p>
      </section>
    );
  }
  return (
    <section className="section-diff" id={sectionElementId(section.sectionId)} data-testid="section-diff">
      <SectionHeading
        section={section}
        current={options.currentAnchor === sectionAnchor(section.sectionId)}
      />
      {shown.map((clause) => (
        <ClauseEntry
          key={clause.clauseId}
          clause={clause}
          numbers={options.numbers}
          view={options.view}
          sides={options.sides}
          current={options.currentAnchor === clauseAnchor(clause.clauseId)}
        />
      ))}
      {hidden > 0 ? (
        <p className="section-diff__hidden">
          {hidden} unchanged clause{hidden === 1 ? '' : 's'} hidden
        </p>
      ) : null}
    </section>
  );
}

/**
 * The labels over the two columns of the side-by-side view ("Rev. 1" | "Current text"). The page
 * renders them in its sticky block, under the toolbar, so they stay in view however far one scrolls;
 * screen readers hear each column's label in the column itself.
 */
export function ColumnLabels({ sides }: { sides: CompareSides }) {
  return (
    <div className="comparison__columns" aria-hidden="true" data-testid="compare-column-labels">
      <span>{sides.before}</span>
      <span>{sides.after}</span>
    </div>
  );
}

export function ComparisonView({
  comparison,
  options,
}: {
  comparison: DocumentComparison;
  options: ViewOptions;
}) {
  const { preamble } = comparison;
  return (
    <div className={`comparison comparison--${options.view}`} data-testid="comparison">
      {preamble.changed ? (
        <section
          className={`preamble-diff${options.currentAnchor === PREAMBLE_ANCHOR ? ' is-current' : ''}`}
          id={PREAMBLE_ANCHOR}
          tabIndex={-1}
        >
          <h3 className="section-diff__title">Preamble</h3>
          <InlineRedline segments={preamble.redline} />
        </section>
      ) : (
        <p className="section-diff__quiet">Preamble — no changes</p>
      )}
      {comparison.sections.map((section) => (
        <SectionDiff key={section.sectionId} section={section} options={options} />
      ))}
    </div>
  );
}
