/**
 * Elements that ProseMirror widget decorations show and React renders into
 * (through portals): one element per key, kept across redraws so React state
 * and focus survive typing. The decoration plugins say which keys exist after
 * each change; React learns about it once per task. One host per editor (in
 * the extension's storage): an editor never shares its elements.
 */

export interface WidgetSlot {
  key: string;
  element: HTMLElement;
}

export class WidgetHost {
  private readonly elements = new Map<string, HTMLElement>();
  private readonly listeners = new Set<() => void>();
  private slots: WidgetSlot[] = [];
  private notifyScheduled = false;

  constructor(
    private readonly className: string,
    private readonly tagName: 'div' | 'span' = 'div',
  ) {}

  /** The element for a key (made on first use). */
  element(key: string): HTMLElement {
    let element = this.elements.get(key);
    if (!element) {
      element = document.createElement(this.tagName);
      element.className = this.className;
      element.contentEditable = 'false';
      element.dataset.widgetKey = key;
      this.elements.set(key, element);
    }
    return element;
  }

  /** Keeps exactly these keys (in this order); the others' elements are dropped. */
  retain(keys: string[]): void {
    const wanted = new Set(keys);
    for (const key of [...this.elements.keys()]) if (!wanted.has(key)) this.elements.delete(key);
    const changed =
      keys.length !== this.slots.length ||
      keys.some(
        (key, index) =>
          this.slots[index]?.key !== key || this.slots[index]?.element !== this.elements.get(key),
      );
    if (!changed) return;
    this.slots = keys.map((key) => ({ key, element: this.element(key) }));
    this.scheduleNotify();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): WidgetSlot[] => this.slots;

  private scheduleNotify(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    // Never inside a ProseMirror transaction: React renders afterwards.
    setTimeout(() => {
      this.notifyScheduled = false;
      for (const listener of this.listeners) listener();
    }, 0);
  }
}
