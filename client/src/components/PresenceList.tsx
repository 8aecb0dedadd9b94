/** "Online now": one entry per person in the document, with their delegation's colour. */
import type { PresenceEntry } from '../editor/presence';

export function PresenceList({ people }: { people: PresenceEntry[] }) {
  return (
    <section className="panel presence" aria-labelledby="presence-title">
      <h2 className="panel__title" id="presence-title">
        Online now <span className="panel__count">{people.length}</span>
      </h2>
      <ul className="presence__list" data-testid="presence-list">
        {people.map((person) => (
          <li
            key={person.userId}
            className="presence__person"
            data-user-id={person.userId}
            title={person.participantName || undefined}
          >
            <span className="presence__dot" style={{ backgroundColor: person.color }} aria-hidden="true" />
            <span className="presence__name">
              {person.name}
              {person.isSelf ? <span className="presence__self"> (you)</span> : null}
            </span>
            <span className="presence__code">{person.participantCode}</span>
          </li>
        ))}
      </ul>
      {people.length <= 1 ? <p className="panel__hint">Nobody else is in this document right now.</p> : null}
    </section>
  );
}
