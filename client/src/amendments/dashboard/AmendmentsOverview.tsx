/** The dashboard's amendments card: per section and clause, how many are tabled (open), decided and withdrawn. */
import type { Amendment } from '@draftroom/shared';
import '../../styles/amendments.css';
import type { ClauseDirectory } from '../../negotiation/clauseDirectory';
import { clauseLink } from '../../negotiation/dashboard/DashboardSections';
import { shorten } from '../../negotiation/labels';
import { Link } from '../../router';
import { countAmendments } from '../amendmentModel';
import { compilationPath } from '../api';
import { amendmentCountsBySection } from './amendmentCounts';

function Counts({ tabled, decided, withdrawn }: { tabled: number; decided: number; withdrawn: number }) {
  return (
    <>
      <td className="amendment-counts__number">{tabled}</td>
      <td className="amendment-counts__number">{decided}</td>
      <td className="amendment-counts__number">{withdrawn}</td>
    </>
  );
}

export function AmendmentsOverview({
  documentId,
  directory,
  amendments,
}: {
  documentId: string;
  directory: ClauseDirectory;
  amendments: readonly Amendment[];
}) {
  const groups = amendmentCountsBySection(directory, amendments);
  const total = countAmendments(amendments);
  return (
    <section
      className="dashboard-card"
      aria-labelledby="dashboard-amendments"
      data-testid="dashboard-amendments"
    >
      <h2 id="dashboard-amendments" className="dashboard-card__title">
        Amendments
        <span className="dashboard-meta">
          {' '}
          · {total.tabled} tabled, {total.decided} decided, {total.withdrawn} withdrawn
        </span>
      </h2>
      {groups.length === 0 ? (
        <p className="dashboard-empty">No amendments tabled.</p>
      ) : (
        <table className="amendment-counts">
          <thead>
            <tr>
              <th scope="col">Section and clause</th>
              <th scope="col">Tabled</th>
              <th scope="col">Decided</th>
              <th scope="col">Withdrawn</th>
            </tr>
          </thead>
          {groups.map((group) => (
            <tbody key={group.section?.number ?? 'deleted'}>
              <tr className="amendment-counts__section">
                <th scope="row">
                  {group.section
                    ? `${group.section.number}. ${group.section.title || 'Untitled area'}`
                    : 'To deleted clauses'}
                </th>
                <Counts {...group.counts} />
              </tr>
              {group.clauses.map(({ clause, counts }) => (
                <tr key={clause.id}>
                  <th scope="row" className="amendment-counts__clause">
                    <Link
                      to={clauseLink(documentId, clause.id)}
                      className="dashboard-link"
                      title={shorten(clause.text, 200)}
                    >
                      <span className="dashboard-link__number">{clause.number}</span>
                      <span className="dashboard-link__text">{shorten(clause.text, 50)}</span>
                    </Link>
                  </th>
                  <Counts {...counts} />
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      )}
      <p>
        <Link to={compilationPath(documentId)} className="button button--small">
          Compilation of amendments
        </Link>
      </p>
    </section>
  );
}
