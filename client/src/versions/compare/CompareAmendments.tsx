/**
 * The amendments tabled and decided between the two compared sides: each
 * version keeps the amendments' state when it is taken, the current text
 * the live state. Shown under the summary, with a link to the compilation.
 */
import { AMENDMENT_KIND_LABEL, AMENDMENT_STATUS_LABEL, type AmendmentChangeEntry } from '@draftroom/shared';
import { compilationPath } from '../../amendments/compilation/compilationApi';
import { Link } from '../../router';
import '../../styles/amendment-compilation.css';

/** "Tabled", "Tabled → Accepted", "Tabled → Covered by compromise AM 7", "Rejected". */
export function amendmentChangeText(entry: AmendmentChangeEntry): string {
  let after: string = AMENDMENT_STATUS_LABEL[entry.statusAfter];
  if (entry.statusAfter === 'covered-by-compromise' && entry.coveredBy !== null)
    after = `Covered by compromise AM ${entry.coveredBy}`;
  if (entry.tabled && entry.decided) return `Tabled → ${after}`;
  if (entry.tabled) return 'Tabled';
  return `${AMENDMENT_STATUS_LABEL.tabled} → ${after}`;
}

interface CompareAmendmentsProps {
  documentId: string;
  amendments: readonly AmendmentChangeEntry[];
  /** The earlier and later sides' labels, in time order. */
  sides: { earlier: string; later: string };
}

export function CompareAmendments({ documentId, amendments, sides }: CompareAmendmentsProps) {
  const tabled = amendments.filter((entry) => entry.tabled).length;
  const decided = amendments.filter((entry) => entry.decided).length;
  return (
    <section
      className="compare-summary compare-amendments"
      aria-labelledby="compare-amendments-title"
      data-testid="compare-amendments"
    >
      <h2 className="compare-amendments__title" id="compare-amendments-title">
        Amendments between {sides.earlier} and {sides.later}
      </h2>
      {amendments.length === 0 ? (
        <p className="compare-summary__sections" data-testid="compare-amendments-none">
          No amendment was tabled or decided between them.
        </p>
      ) : (
        <>
          <p className="compare-summary__sections">
            {tabled} tabled · {decided} decided ·{' '}
            <Link to={compilationPath(documentId)}>Compilation of amendments</Link>
          </p>
          <table className="compare-summary__table">
            <caption className="visually-hidden">Amendments tabled and decided</caption>
            <thead>
              <tr>
                <th scope="col">Amendment</th>
                <th scope="col">Clause</th>
                <th scope="col">Kind</th>
                <th scope="col">Proponent</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {amendments.map((entry) => (
                <tr key={entry.amendmentId} data-testid="compare-amendment" data-number={entry.number}>
                  <th scope="row">AM {entry.number}</th>
                  <td>{entry.kind === 'insert' ? `new after ${entry.clauseNumber}` : entry.clauseNumber}</td>
                  <td>{entry.compromise ? 'Compromise' : AMENDMENT_KIND_LABEL[entry.kind]}</td>
                  <td>{entry.proponentCode}</td>
                  <td>{amendmentChangeText(entry)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
