/** User accounts: who belongs to which participant, who is an administrator; add, reset a password. */
import type { UserProfile } from '@draftroom/shared';
import { useState } from 'react';
import { AddUserForm } from './AddUserForm';
import { adminApi } from './adminApi';
import { LoadFallback, SectionHeader, StatusLine, useAdminData } from './common';
import { type IssuedPassword, ResetPasswordControl, TemporaryPassword } from './PasswordReset';

const loadUsersAndParticipants = () => Promise.all([adminApi.listUsers(), adminApi.listParticipants()]);

function UserTable({
  users,
  onIssued,
}: {
  users: UserProfile[];
  onIssued: (issued: IssuedPassword) => void;
}) {
  return (
    <div className="admin-table-wrap">
      <table className="admin-table" data-testid="users-table">
        <caption className="visually-hidden">Users</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Participant</th>
            <th scope="col">Administrator</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.id} data-user-email={user.email}>
              <td>{user.name}</td>
              <td>{user.email}</td>
              <td>
                <span className="admin-code">{user.participant.code}</span> {user.participant.name}
              </td>
              <td>{user.isAdmin ? <span className="admin-flag">Administrator</span> : '—'}</td>
              <td className="admin-table__actions">
                <ResetPasswordControl user={user} onIssued={onIssued} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function UsersSection() {
  const { state, reload } = useAdminData(loadUsersAndParticipants);
  const [saved, setSaved] = useState<string | null>(null);
  const [issued, setIssued] = useState<IssuedPassword | null>(null);

  if (state.status !== 'ready') return <LoadFallback state={state} retry={reload} />;
  const [users, participants] = state.data;
  return (
    <div className="admin-section">
      <SectionHeader title="Users">
        Accounts and the participant each one speaks for. A user’s role on a document comes from their
        participant unless it is set on the document.
      </SectionHeader>
      <AddUserForm
        participants={participants}
        onAdded={(user) => {
          setSaved(`Added ${user.name} (${user.email}) for ${user.participant.name}.`);
          reload();
        }}
      />
      <StatusLine message={saved} />
      {issued ? <TemporaryPassword issued={issued} onDone={() => setIssued(null)} /> : null}
      <UserTable
        users={users}
        onIssued={(next) => {
          setSaved(null);
          setIssued(next);
        }}
      />
    </div>
  );
}
