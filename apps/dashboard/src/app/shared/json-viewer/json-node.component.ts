import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

/** Keys shown before "show more" in a large object or array. */
const CHILD_LIMIT = 200;

/**
 * One node of the JSON tree: primitives inline and coloured, objects and arrays as collapsible
 * `<details>` (open for the first levels). Renders itself recursively (a standalone component
 * may use its own selector without importing itself).
 */
@Component({
  selector: 'at-json-node',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (kind() === 'object' && children().length) {
      <details [open]="depth() < openDepth()">
        <summary>
          @if (label() !== null) { <span class="j-key">{{ label() }}</span><span class="j-punct">: </span> }
          <span class="j-punct">{{ isArray() ? '[' : '{' }}</span><span class="j-count">{{ summary() }}</span>
        </summary>
        <ul>
          @for (child of children(); track child.key) {
            <li><at-json-node [label]="child.key" [value]="child.value" [depth]="depth() + 1" [openDepth]="openDepth()" /></li>
          }
          @if (hidden() > 0) {
            <li class="j-more">… {{ hidden() }} more</li>
          }
        </ul>
      </details>
    } @else {
      <div class="leaf">
        @if (label() !== null) { <span class="j-key">{{ label() }}</span><span class="j-punct">: </span> }
        @switch (kind()) {
          @case ('object') { <span class="j-punct">{{ isArray() ? '[]' : '{}' }}</span> }
          @case ('string') {
            @if (multiline()) {
              <pre class="j-string j-block">{{ value() }}</pre>
            } @else {
              <span class="j-string">"{{ value() }}"</span>
            }
          }
          @case ('number') { <span class="j-number">{{ value() }}</span> }
          @case ('boolean') { <span class="j-bool">{{ value() }}</span> }
          @default { <span class="j-null">null</span> }
        }
      </div>
    }
  `,
  styles: `
    :host { font-family: var(--mono); font-size: 12px; line-height: 1.55; }
    :host { display: block; }
    details > summary { cursor: pointer; list-style: none; }
    details > summary::-webkit-details-marker { display: none; }
    details > summary::before { content: '▸'; display: inline-block; width: 12px; color: var(--muted); }
    details[open] > summary::before { content: '▾'; }
    ul { list-style: none; margin: 0 0 0 5px; padding: 0 0 0 12px; border-left: 1px dotted var(--border); }
    .leaf { padding-left: 12px; }
    .j-key { color: var(--j-key); }
    .j-punct, .j-count { color: var(--muted); }
    .j-count { margin-left: 6px; font-style: italic; }
    .j-string { color: var(--j-string); white-space: pre-wrap; word-break: break-word; }
    .j-block { display: block; margin: 2px 0; padding: 4px 6px; background: var(--surface); border-radius: 4px; white-space: pre-wrap; }
    .j-number { color: var(--j-number); }
    .j-bool { color: var(--j-bool); }
    .j-null { color: var(--muted); }
    .j-more { color: var(--muted); font-style: italic; }
  `,
})
export class JsonNodeComponent {
  /** Any JSON-compatible value. */
  readonly value = input<unknown>(null);
  /** Key or index of this node in its parent; null for the root. */
  readonly label = input<string | null>(null);
  /** Nesting level of this node (0 = root). */
  readonly depth = input(0);
  /** Levels above this depth start expanded. */
  readonly openDepth = input(2);

  protected readonly kind = computed(() => {
    const value = this.value();
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'object') return 'object';
    if (typeof value === 'string') return 'string';
    if (typeof value === 'number' || typeof value === 'bigint') return 'number';
    if (typeof value === 'boolean') return 'boolean';
    return 'null';
  });
  protected readonly isArray = computed(() => Array.isArray(this.value()));
  private readonly allChildren = computed(() => {
    const value = this.value();
    if (!value || typeof value !== 'object') return [];
    return Object.entries(value as Record<string, unknown>).map(([key, child]) => ({ key, value: child }));
  });
  protected readonly children = computed(() => this.allChildren().slice(0, CHILD_LIMIT));
  protected readonly hidden = computed(() => this.allChildren().length - this.children().length);
  protected readonly summary = computed(() => {
    const n = this.allChildren().length;
    return this.isArray() ? `${n} item${n === 1 ? '' : 's'}` : `${n} key${n === 1 ? '' : 's'}`;
  });
  protected readonly multiline = computed(() => {
    const value = this.value();
    return typeof value === 'string' && (value.includes('\n') || value.length > 160);
  });
}
