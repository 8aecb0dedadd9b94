/** A version's fingerprint: short form, the whole of it on hover, and a copy button. */
import { useToasts } from '../components/Toasts';
import { CopyIcon } from './icons';
import { shortFingerprint } from './labels';

/** `labelled`: says "Fingerprint" before the value (off where a heading already says it). */
export function Fingerprint({ value, labelled = true }: { value: string; labelled?: boolean }) {
  const { showToast } = useToasts();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      showToast({ message: 'Fingerprint copied.', tone: 'success', key: 'fingerprint-copied' });
    } catch {
      showToast({ message: `Copy failed. The fingerprint is ${value}`, tone: 'warning', persistent: true });
    }
  };
  return (
    <span className="fingerprint">
      {labelled ? <span className="fingerprint__label">Fingerprint</span> : null}
      <code className="fingerprint__value" title={value} data-fingerprint={value}>
        {shortFingerprint(value)}…
      </code>
      <button
        type="button"
        className="fingerprint__copy"
        onClick={() => void copy()}
        aria-label={`Copy the full fingerprint ${value}`}
        title="Copy the full fingerprint"
      >
        <CopyIcon />
      </button>
    </span>
  );
}
