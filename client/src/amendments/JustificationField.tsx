/** An amendment's justification: a labelled two-row text area, at most 2,000 characters (the server's limit). */
import { type ReactNode, useId } from 'react';

interface JustificationFieldProps {
  /** The label's class: the proposal form's or a dialog's. */
  labelClassName: string;
  /** The label's content ("Justification", with a hint where it is optional). */
  children: ReactNode;
  value: string;
  onChange: (value: string) => void;
}

export function JustificationField({ labelClassName, children, value, onChange }: JustificationFieldProps) {
  const id = useId();
  return (
    <>
      <label className={labelClassName} htmlFor={id}>
        {children}
      </label>
      <textarea
        id={id}
        className="amendment-proposal__justification"
        rows={2}
        maxLength={2000}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    </>
  );
}
