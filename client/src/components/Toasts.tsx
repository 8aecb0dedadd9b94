/**
 * Short status messages in the corner of the screen: close-code explanations,
 * server notices, failed requests. A toast with a `key` replaces an earlier
 * one with the same key, so a flapping connection does not pile them up.
 */
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';

export type ToastTone = 'info' | 'success' | 'warning' | 'error';

export interface ToastInput {
  message: string;
  tone?: ToastTone;
  /** Toasts with the same key replace each other. Defaults to the message. */
  key?: string;
  /** Stays until dismissed instead of fading after a few seconds. */
  persistent?: boolean;
}

interface Toast extends Required<Omit<ToastInput, 'persistent'>> {
  id: number;
  persistent: boolean;
}

interface ToastContextValue {
  showToast: (toast: ToastInput) => void;
  dismissToast: (key: string) => void;
  /** Removes every toast (what they said no longer applies, e.g. the document was closed). */
  clearToasts: () => void;
}

const ToastContext = createContext<ToastContextValue | null>(null);
const AUTO_DISMISS_MS = 8000;
const MAX_TOASTS = 4;

export function useToasts(): ToastContextValue {
  const value = useContext(ToastContext);
  if (!value) throw new Error('useToasts must be used inside <ToastProvider>');
  return value;
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);

  const dismissToast = useCallback((key: string) => {
    setToasts((current) => current.filter((toast) => toast.key !== key));
  }, []);

  const showToast = useCallback((input: ToastInput) => {
    const toast: Toast = {
      id: nextId.current++,
      message: input.message,
      tone: input.tone ?? 'info',
      key: input.key ?? input.message,
      persistent: input.persistent ?? false,
    };
    setToasts((current) => [...current.filter((t) => t.key !== toast.key), toast].slice(-MAX_TOASTS));
  }, []);

  const clearToasts = useCallback(() => setToasts([]), []);
  const value = useMemo(
    () => ({ showToast, dismissToast, clearToasts }),
    [showToast, dismissToast, clearToasts],
  );

  return (
    <ToastContext.Provider value={value}>
      {children}
      <section className="toast-region" aria-label="Notifications" aria-live="polite" data-testid="toasts">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} onDismiss={dismissToast} />
        ))}
      </section>
    </ToastContext.Provider>
  );
}

const TONE_ICON: Record<ToastTone, string> = { info: 'i', success: '✓', warning: '!', error: '!' };

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (key: string) => void }) {
  useEffect(() => {
    if (toast.persistent) return;
    const timer = window.setTimeout(() => onDismiss(toast.key), AUTO_DISMISS_MS);
    return () => window.clearTimeout(timer);
  }, [toast.persistent, toast.key, onDismiss]);

  return (
    <div className={`toast toast--${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
      <span className="toast__icon" aria-hidden="true">
        {TONE_ICON[toast.tone]}
      </span>
      <p className="toast__message">{toast.message}</p>
      <button
        type="button"
        className="toast__close"
        aria-label="Dismiss notification"
        onClick={() => onDismiss(toast.key)}
      >
        ×
      </button>
    </div>
  );
}
