/** "Save version": a label, a note and, optionally, the meeting of the Work Plan it is circulated for. */
import type { Meeting, VersionSummary } from '@draftroom/shared';
import { type FormEvent, useId, useState } from 'react';
import { DialogActions, Modal } from '../components/Modal';
import { saveVersion } from './api';
import { meetingLabel } from './labels';

const LABEL_MAX = 200;
const NOTE_MAX = 2_000;

interface SaveVersionDialogProps {
  documentId: string;
  meetings: Meeting[];
  onClose: () => void;
  onSaved: (version: VersionSummary) => void;
}

function byDate(a: Meeting, b: Meeting): number {
  return a.startsOn.localeCompare(b.startsOn);
}

function MeetingField({
  meetings,
  value,
  onChange,
}: {
  meetings: Meeting[];
  value: string;
  onChange: (meetingId: string) => void;
}) {
  const id = useId();
  return (
    <div className="form__field">
      <label htmlFor={id}>Circulated for (optional)</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">No particular meeting</option>
        {[...meetings].sort(byDate).map((meeting) => (
          <option key={meeting.id} value={meeting.id}>
            {meetingLabel(meeting)}
          </option>
        ))}
      </select>
    </div>
  );
}

export function SaveVersionDialog({ documentId, meetings, onClose, onSaved }: SaveVersionDialogProps) {
  const [label, setLabel] = useState('');
  const [note, setNote] = useState('');
  const [meetingId, setMeetingId] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { label: useId(), note: useId(), error: useId() };

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (label.trim() === '') {
      setError('Give the version a label, e.g. “Rev. 2 — for the drafting meeting”.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const saved = await saveVersion(documentId, {
        label: label.trim(),
        note: note.trim(),
        meetingId: meetingId || null,
      });
      onSaved(saved);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'The version could not be saved.');
      setBusy(false);
    }
  };

  return (
    <Modal title="Save a version" onClose={onClose} className="version-dialog" testId="save-version-dialog">
      <form className="form" onSubmit={onSubmit} noValidate>
        <p className="version-dialog__intro">
          Freezes the text as it is now, with the clause statuses, brackets and positions, under a name
          everyone can find in the history.
        </p>
        <div className="form__field">
          <label htmlFor={ids.label}>Label</label>
          <input
            id={ids.label}
            value={label}
            maxLength={LABEL_MAX}
            onChange={(event) => setLabel(event.target.value)}
            placeholder="Rev. 2 — for the Poznań drafting meeting"
            aria-invalid={error !== null && label.trim() === ''}
            aria-describedby={error ? ids.error : undefined}
            required
          />
        </div>
        <MeetingField meetings={meetings} value={meetingId} onChange={setMeetingId} />
        <div className="form__field">
          <label htmlFor={ids.note}>Note (optional)</label>
          <textarea
            id={ids.note}
            value={note}
            maxLength={NOTE_MAX}
            rows={3}
            onChange={(event) => setNote(event.target.value)}
            placeholder="What changed, what delegations should look at."
          />
        </div>
        {error ? (
          <p className="form-error" role="alert" id={ids.error}>
            {error}
          </p>
        ) : null}
        <DialogActions onCancel={onClose}>
          <button type="submit" className="button button--primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save version'}
          </button>
        </DialogActions>
      </form>
    </Modal>
  );
}
