import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { StackFrame } from '@active-tracker/nestjs/contracts';

/** Consecutive frames of the same kind: app frames stay visible, vendor runs fold. */
interface FrameGroup {
  app: boolean;
  frames: Array<StackFrame & { index: number; position: string }>;
}

/** `:line:column` of a frame, as far as it is known. */
function positionOf(frame: StackFrame): string {
  if (frame.line === null) return '';
  return frame.column === null ? `:${frame.line}` : `:${frame.line}:${frame.column}`;
}

/**
 * A parsed backtrace: application frames highlighted, runs of vendor frames (node_modules, Node
 * internals) collapsed behind a "N vendor frames" toggle. Falls back to the raw stack text.
 */
@Component({
  selector: 'at-backtrace',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { 'data-testid': 'backtrace' },
  template: `
    @if (groups().length) {
      <ol class="frames">
        @for (group of groups(); track $index) {
          @if (group.app) {
            @for (frame of group.frames; track frame.index) {
              <li class="frame app" data-testid="frame" data-app="true">
                <span class="fn">{{ frame.function || '(anonymous)' }}</span>
                <span class="loc">{{ frame.file || '(unknown)' }}<span class="line">{{ frame.position }}</span></span>
              </li>
            }
          } @else {
            <li class="vendor-group">
              <details>
                <summary>{{ group.frames.length }} vendor frame{{ group.frames.length === 1 ? '' : 's' }}</summary>
                <ol class="frames">
                  @for (frame of group.frames; track frame.index) {
                    <li class="frame vendor" data-testid="frame" data-app="false">
                      <span class="fn">{{ frame.function || '(anonymous)' }}</span>
                      <span class="loc">{{ frame.file || '(unknown)' }}<span class="line">{{ frame.position }}</span></span>
                    </li>
                  }
                </ol>
              </details>
            </li>
          }
        }
      </ol>
    } @else if (stack()) {
      <pre class="raw">{{ stack() }}</pre>
    } @else {
      <p class="muted">No backtrace recorded.</p>
    }
  `,
  styles: `
    :host { display: block; font-family: var(--mono); font-size: 12px; }
    .frames { list-style: none; margin: 0; padding: 0; }
    .frame { display: flex; flex-wrap: wrap; gap: 2px 12px; padding: 5px 10px; border-left: 3px solid transparent;
      border-bottom: 1px solid var(--border-soft); }
    .frame.app { background: var(--accent-soft); border-left-color: var(--accent); }
    .frame.app .fn { font-weight: 600; color: var(--text); }
    .frame.vendor { color: var(--muted); }
    .fn { min-width: 180px; }
    .loc { word-break: break-all; }
    .line { color: var(--muted); }
    .vendor-group > details > summary { cursor: pointer; padding: 5px 10px; color: var(--muted);
      border-bottom: 1px solid var(--border-soft); font-family: var(--sans); font-size: 12px; }
    .vendor-group > details > summary:hover { background: var(--hover); }
    .raw { margin: 0; white-space: pre-wrap; word-break: break-word; }
  `,
})
export class BacktraceComponent {
  /** Parsed frames, innermost first. */
  readonly frames = input<StackFrame[] | null | undefined>([]);
  /** Raw stack, shown when there are no parsed frames. */
  readonly stack = input<string | null | undefined>(null);

  protected readonly groups = computed<FrameGroup[]>(() => {
    const groups: FrameGroup[] = [];
    const frames = this.frames();
    // Not an array when the field is encrypted: nothing to list.
    (Array.isArray(frames) ? frames : []).forEach((frame, index) => {
      const last = groups.at(-1);
      const app = frame.app === true;
      const item = { ...frame, index, position: positionOf(frame) };
      if (last && last.app === app) last.frames.push(item);
      else groups.push({ app, frames: [item] });
    });
    return groups;
  });
}
