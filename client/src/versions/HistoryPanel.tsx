/**
 * The history of a document: a "History" button for the header and the
 * panel it opens on the right — named versions first, automatic checkpoints
 * folded away, "Save version" for the pen-holder and drafters, restore for
 * the pen-holder.
 */
import { CURRENT_TEXT, can, type Role, type VersionSummary } from '@draftroom/shared';
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useToasts } from '../components/Toasts';
import { Link } from '../router';
import '../styles/versions.css';
import { CloseIcon, HistoryIcon } from './icons';
import { countOf } from './labels';
import { RestoreDialog } from './RestoreDialog';
import { comparePath, printPath, VERIFY_PATH } from './routes';
import { SaveVersionDialog } from './SaveVersionDialog';
import { useVersionHistory, type VersionHistoryData } from './useVersionHistory';
import { VersionCard } from './VersionCard';

const OPEN_KEY = 'draftroom:history-open';

function usePanelOpen(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(() => sessionStorage.getItem(OPEN_KEY) === '1');
  const update = (next: boolean) => {
    setOpen(next);
    if (next) sessionStorage.setItem(OPEN_KEY, '1');
    else sessionStorage.removeItem(OPEN_KEY);
  };
  return [open, update];
}

interface VersionListsProps {
  documentId: string;
  versions: VersionSummary[];
  onRestore?: (version: VersionSummary) => void;
}

function VersionLists({ documentId, versions, onRestore }: VersionListsProps) {
  const [showAutomatic, setShowAutomatic] = useState(false);
  const named = versions.filter((version) => version.kind === 'named');
  const automatic = versions.filter((version) => version.kind === 'automatic');
  const card = (version: VersionSummary) => (
    <VersionCard key={version.id} documentId={documentId} version={version} onRestore={onRestore} />
  );
  return (
    <>
      <h3 className="history-panel__group">
        Named versions <span className="panel__count">{named.length}</span>
      </h3>
      {named.length === 0 ? <p className="panel__hint">No named version yet.</p> : null}
      <ol className="version-list" data-testid="named-versions">
        {named.map(card)}
      </ol>
      {automatic.length > 0 ? (
        <>
          <button
            type="button"
            className="button button--quiet button--small history-panel__fold"
            aria-expanded={showAutomatic}
            aria-controls="automatic-versions"
            onClick={() => setShowAutomatic(!showAutomatic)}
          >
            {showAutomatic ? 'Hide' : 'Show'} {countOf(automatic.length, 'automatic checkpoint')}
          </button>
          {showAutomatic ? (
            <ol className="version-list" id="automatic-versions">
              {automatic.map(card)}
            </ol>
          ) : null}
        </>
      ) : null}
    </>
  );
}

interface HistoryToolsProps {
  documentId: string;
  latestNamed: VersionSummary | undefined;
  /** Set for those who may save versions (pen-holder, drafters). */
  onSave?: () => void;
}

function HistoryTools({ documentId, latestNamed, onSave }: HistoryToolsProps) {
  return (
    <div className="history-panel__tools">
      {onSave ? (
        <button type="button" className="button button--primary button--small" onClick={onSave}>
          Save version…
        </button>
      ) : null}
      {latestNamed ? (
        <Link to={comparePath(documentId, latestNamed.id, CURRENT_TEXT)} className="button button--small">
          Compare…
        </Link>
      ) : null}
      <Link to={printPath(documentId, CURRENT_TEXT)} className="button button--small button--quiet">
        Print current
      </Link>
      <Link to={VERIFY_PATH} className="button button--small button--quiet">
        Verify a copy
      </Link>
    </div>
  );
}

interface HistoryBodyProps {
  documentId: string;
  history: VersionHistoryData;
  onRestore?: (version: VersionSummary) => void;
}

function HistoryBody({ documentId, history, onRestore }: HistoryBodyProps) {
  return (
    <>
      {history.error ? (
        <p className="form-error" role="alert">
          {history.error}
        </p>
      ) : null}
      {history.versions ? (
        <VersionLists documentId={documentId} versions={history.versions} onRestore={onRestore} />
      ) : history.error ? null : (
        <p className="page-state" role="status">
          <span className="spinner" aria-hidden="true" /> Loading the history…
        </p>
      )}
    </>
  );
}

interface PanelProps {
  documentId: string;
  role: Role;
  onClose: () => void;
}

function HistoryDrawer({ documentId, role, onClose }: PanelProps) {
  const history = useVersionHistory(documentId, true);
  const { showToast } = useToasts();
  const [saving, setSaving] = useState(false);
  const [restoring, setRestoring] = useState<VersionSummary | null>(null);
  const panelRef = useRef<HTMLElement>(null);
  const titleId = useId();
  const canSave = can(role, 'save-version');
  const latestNamed = history.versions?.find((version) => version.kind === 'named');

  useEffect(() => panelRef.current?.focus(), []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !saving && !restoring) onClose();
  };
  const onSaved = (version: VersionSummary) => {
    setSaving(false);
    showToast({ message: `Saved “${version.label}”.`, tone: 'success' });
    void history.refresh();
  };
  const onRestored = () => {
    showToast({
      message: `Restored “${restoring?.label}”. Everyone online now sees its text.`,
      tone: 'success',
    });
    setRestoring(null);
    void history.refresh();
  };

  return (
    <aside
      ref={panelRef}
      className="history-panel"
      id="history-panel"
      aria-labelledby={titleId}
      data-testid="history-panel"
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <header className="history-panel__header">
        <h2 id={titleId}>Version history</h2>
        <button
          type="button"
          className="button button--quiet button--small"
          onClick={onClose}
          aria-label="Close the history"
        >
          <CloseIcon />
        </button>
      </header>
      <HistoryTools
        documentId={documentId}
        latestNamed={latestNamed}
        onSave={canSave ? () => setSaving(true) : undefined}
      />
      <div className="history-panel__body">
        <HistoryBody
          documentId={documentId}
          history={history}
          onRestore={can(role, 'restore-version') ? setRestoring : undefined}
        />
      </div>
      {saving ? (
        <SaveVersionDialog
          documentId={documentId}
          meetings={history.meetings}
          onClose={() => setSaving(false)}
          onSaved={onSaved}
        />
      ) : null}
      {restoring ? (
        <RestoreDialog
          documentId={documentId}
          version={restoring}
          onClose={() => setRestoring(null)}
          onRestored={onRestored}
        />
      ) : null}
    </aside>
  );
}

/** The header button and, while open, the history panel (rendered in <body>, beside the page). */
export function VersionHistory({ documentId, role }: { documentId: string; role: Role }) {
  const [open, setOpen] = usePanelOpen();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };
  return (
    <>
      <button
        ref={buttonRef}
        id="history-button"
        type="button"
        className="button button--quiet button--small history-toggle"
        aria-expanded={open}
        aria-controls={open ? 'history-panel' : undefined}
        data-testid="history-button"
        onClick={() => setOpen(!open)}
        title="Version history"
      >
        <HistoryIcon />
        <span className="header-link__text">History</span>
      </button>
      {open
        ? createPortal(<HistoryDrawer documentId={documentId} role={role} onClose={close} />, document.body)
        : null}
    </>
  );
}
