/** "Connected", "Reconnecting…", "Offline" or "Disconnected", with a coloured dot. */
import type { ConnectionLabel } from '../editor/useCollaboration';

const STATE_CLASS: Record<ConnectionLabel, string> = {
  Connected: 'connection--connected',
  'Reconnecting…': 'connection--reconnecting',
  Offline: 'connection--offline',
  Disconnected: 'connection--offline',
};

const STATE_HINT: Record<ConnectionLabel, string> = {
  Connected: 'Changes are shared with the other delegations as you type.',
  'Reconnecting…': 'Trying to reach the server. Your changes are kept in this browser.',
  Offline: 'Not connected. Your changes are kept in this browser and sent when the connection returns.',
  Disconnected:
    'Not connected to the server, and not reconnecting by itself: see the message on the page. Your changes are kept in this browser.',
};

export function ConnectionStatus({ state }: { state: ConnectionLabel }) {
  return (
    <div className={`connection ${STATE_CLASS[state]}`} title={STATE_HINT[state]}>
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__text" data-testid="connection-status" role="status" aria-live="polite">
        {state}
      </span>
    </div>
  );
}
