import { ChangeDetectionStrategy, Component, ElementRef, afterRenderEffect, inject, viewChild } from '@angular/core';
import { KeyboardService } from './keyboard.service';
import { SHORTCUTS } from './shortcuts.model';

/** The `?` dialog listing the keyboard shortcuts (a modal `<dialog>`: focus trapped, Esc closes). */
@Component({
  selector: 'at-shortcuts-help',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog #dialog aria-labelledby="shortcuts-title" data-testid="shortcuts-help" (close)="keyboard.helpOpen.set(false)">
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        @for (s of shortcuts; track s.keys) {
          <div class="row"><dt><kbd>{{ s.keys }}</kbd></dt><dd>{{ s.does }}</dd></div>
        }
        @for (s of keyboard.pageShortcuts(); track s.key) {
          <div class="row" data-testid="page-shortcut"><dt><kbd>{{ s.key }}</kbd></dt><dd>{{ s.does }}</dd></div>
        }
      </dl>
      <form method="dialog"><button class="btn btn-sm" type="submit">Close</button></form>
    </dialog>
  `,
  styles: `
    :host { display: contents; }
    dialog { border: 1px solid var(--border); border-radius: 10px; background: var(--surface); color: var(--text);
      padding: 18px 20px; min-width: 280px; box-shadow: 0 12px 40px rgba(0, 0, 0, .25); }
    dialog::backdrop { background: rgba(15, 23, 42, .45); }
    h2 { margin: 0 0 12px; font-size: 15px; }
    dl { margin: 0 0 14px; }
    .row { display: flex; gap: 16px; padding: 4px 0; }
    dt { width: 64px; }
    dd { margin: 0; color: var(--text-soft); }
    kbd { font-family: var(--mono); font-size: 12px; padding: 1px 6px; border: 1px solid var(--border); border-bottom-width: 2px;
      border-radius: 4px; background: var(--code-bg); }
    form { display: flex; justify-content: flex-end; }
  `,
})
export class ShortcutsHelpComponent {
  protected readonly keyboard = inject(KeyboardService);
  protected readonly shortcuts = SHORTCUTS;
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');

  constructor() {
    afterRenderEffect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.keyboard.helpOpen() && !dialog.open) dialog.showModal();
      if (!this.keyboard.helpOpen() && dialog.open) dialog.close();
    });
  }
}
