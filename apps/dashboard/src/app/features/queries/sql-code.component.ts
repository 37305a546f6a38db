import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { highlightSql } from './query-view.model';

/** SQL, monospace and highlighted (keywords, strings, numbers, placeholders, comments). */
@Component({
  selector: 'at-sql-code',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<code [class.block]="block()" data-testid="sql-code">@for (piece of pieces(); track $index) {<span [class]="piece.kind">{{ piece.text }}</span>}</code>`,
  styles: `
    code { font-family: var(--mono); font-size: 12.5px; color: var(--text); white-space: pre-wrap; word-break: break-word; }
    code.block { display: block; background: var(--code-bg); border: 1px solid var(--border-soft); border-radius: 6px; padding: 10px 12px; }
    .keyword { color: var(--j-key); font-weight: 600; }
    .string { color: var(--j-string); }
    .number { color: var(--j-number); }
    .param { color: var(--j-bool); font-weight: 600; }
    .comment { color: var(--muted); font-style: italic; }
  `,
})
export class SqlCodeComponent {
  readonly sql = input.required<string>();
  /** A bordered block (detail pages) instead of inline text. */
  readonly block = input(false);
  protected readonly pieces = computed(() => highlightSql(this.sql()));
}
