/**
 * Restoring a version (pen-holder): confirms what happens — the live text
 * becomes the version's, as a new change everyone online sees at once, and
 * nothing is erased from the history — and offers to save the current text
 * as a version first.
 */
import type { VersionSummary } from '@draftroom/shared';
import { useId, useState } from 'react';
import { DialogActions, Modal } from '../components/Modal';
import { formatDateTime } from '../format';
import { restoreVersion, saveVersion } from './api';

interface RestoreDialogProps {
  documentId: string;
  version: VersionSummary;
  onClose: () => void;
  onRestored: (savedFirst: boolean) => void;
}

export function RestoreDialog({ documentId, version, onClose, onRestored }: RestoreDialogProps) {
  const [saveFirst, setSaveFirst] = useState(true);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const saveFirstId = useId();

  const restore = async () => {
    setBusy(true);
    setError(null);
    try {
      if (saveFirst) {
        await saveVersion(documentId, {
          label: `Before restoring “${version.label}”`,
          note: `The text as it was just before “${version.label}” was restored.`,
          meetingId: null,
        });
      }
      await restoreVersion(documentId, version.id);
      onRestored(saveFirst);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The version could not be restored.');
      setBusy(false);
    }
  };

  return (
    <Modal
      title={`Restore “${version.label}”?`}
      onClose={onClose}
      className="version-dialog"
      testId="restore-dialog"
    >
      <div className="form">
        <p className="version-dialog__intro">
          The current text will be replaced by the text of this version, saved on{' '}
          {formatDateTime(version.createdAt)}. This is a <strong>new change, made forward</strong>: everyone
          who has the document open sees the text change at once, and the history keeps every version,
          including everything written after this one.
        </p>
        <p className="version-dialog__intro">
          Clause statuses, brackets, positions and comments are not changed.
        </p>
        <label className="version-checkbox" htmlFor={saveFirstId}>
          <input
            id={saveFirstId}
            type="checkbox"
            checked={saveFirst}
            onChange={(event) => setSaveFirst(event.target.checked)}
          />
          First save the current text as a named version
        </label>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <DialogActions onCancel={onClose}>
          <button
            type="button"
            className="button button--danger"
            onClick={() => void restore()}
            disabled={busy}
          >
            {busy ? 'Restoring…' : 'Restore this version'}
          </button>
        </DialogActions>
      </div>
    </Modal>
  );
}
