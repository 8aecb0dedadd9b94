/** "Show amendments": open amendments drawn in the text as tracked changes, coloured by delegation (toolbar toggle). */
import { useNegotiationContext } from '../negotiation/NegotiationContext';
import { TrackedChangesIcon } from './AmendmentIcon';
import { useAmendments } from './AmendmentsContext';
import { isOpenAmendment } from './amendmentModel';

export function ShowAmendmentsToggle() {
  const { snapshot } = useNegotiationContext();
  const { ui, updateUi } = useAmendments();
  const open = snapshot.state.amendments.filter(isOpenAmendment).length;
  return (
    <button
      type="button"
      className="toolbar__button toolbar__button--labelled"
      aria-pressed={ui.showInline}
      title={`Show the ${open} open amendment${open === 1 ? '' : 's'} in the text as tracked changes (the text itself does not change)`}
      data-testid="show-amendments"
      onClick={() => updateUi((current) => ({ showInline: !current.showInline }))}
    >
      <TrackedChangesIcon />
      <span className="toolbar__text">Show amendments</span>
    </button>
  );
}
