import { httpResource } from '@angular/common/http';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { LlmReviewState } from '@active-tracker/nestjs/contracts';
import { ApiClient, errorMessage } from '../../core/api/api.client';
import { valueOf } from '../../core/api/resource.util';
import { KeyboardService } from '../../core/keyboard/keyboard.service';
import { JsonViewerComponent } from '../../shared/json-viewer/json-viewer.component';
import { LoadStateComponent } from '../../shared/load-state/load-state.component';
import { PageHeaderComponent } from '../../shared/page-header/page-header.component';
import { DurationPipe } from '../../shared/pipes/duration.pipe';
import { RequestLinkComponent } from '../../shared/request-link/request-link.component';
import { RelativeTimeComponent } from '../../shared/time/relative-time.component';
import { LlmReviewStateComponent } from './llm-review-state.component';
import { LlmReviewService } from './llm-review.service';
import { REVIEW_KEYS, auditLines, formatCost, formatTokens, inputMessages, labelOf, outputOf, sessionPath, treeRows } from './llm-view.model';
import { parseLlmInteractionDetail } from './llm.parsers';

/**
 * One LLM interaction: review (buttons or a/f/r), its session breadcrumb, metrics, the prompt's
 * messages, the answer with its tool calls, the error, parent/children and the agent chain, the
 * request it belongs to, the audit trail and the full JSON. All text is interpolated, never HTML.
 */
@Component({
  selector: 'at-llm-detail-page',
  imports: [
    RouterLink,
    LoadStateComponent,
    PageHeaderComponent,
    DurationPipe,
    RelativeTimeComponent,
    JsonViewerComponent,
    RequestLinkComponent,
    LlmReviewStateComponent,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <at-load-state [loading]="detail.isLoading() && !detail.hasValue()" [error]="loadError()" />
    @if (answer(); as d) {
      @let i = d.data;
      <at-page-header [title]="label(i)" [subtitle]="i.provider + ' / ' + i.model" back="/llm" backLabel="LLM" />

      @if (breadcrumb().length > 1 || i.sessionId) {
        <nav class="crumbs" aria-label="Session" data-testid="session-breadcrumb">
          @if (i.sessionId) {
            <a [routerLink]="['/llm']" [queryParams]="{ session: i.sessionId }" data-testid="session-link">Session {{ i.sessionId }}</a>
          } @else {
            <span class="muted">Agent chain</span>
          }
          @for (n of breadcrumb(); track n.id) {
            <span aria-hidden="true">›</span>
            @if (n.id === i.id) {
              <span aria-current="page">{{ n.label ?? n.model }}</span>
            } @else {
              <a [routerLink]="['/llm', n.id]">{{ n.label ?? n.model }}</a>
            }
          }
        </nav>
      }

      <div class="card review" data-testid="llm-review">
        <span>Review:</span> <at-llm-review-state [state]="i.reviewState" />
        @if (i.reviewedBy || i.reviewedAt) {
          <span class="muted">by {{ i.reviewedBy ?? 'anonymous' }} <at-time [at]="i.reviewedAt" /></span>
        }
        @if (i.reviewComment) {
          <span class="muted">“{{ i.reviewComment }}”</span>
        }
        <input class="input comment" data-testid="review-comment" placeholder="Comment (optional)" aria-label="Review comment"
          [value]="comment()" (input)="comment.set($any($event.target).value)" />
        <button type="button" class="btn btn-sm" data-testid="detail-approve" [disabled]="busy()" (click)="review('approved')">Approve</button>
        <button type="button" class="btn btn-sm" data-testid="detail-flag" [disabled]="busy()" (click)="review('flagged')">Flag</button>
        <button type="button" class="btn btn-sm" data-testid="detail-reject" [disabled]="busy()" (click)="review('rejected')">Reject</button>
        @if (notice(); as n) {
          <span role="status" data-testid="llm-notice">{{ n }}</span>
        }
      </div>

      <div class="card">
        <h3 class="card-title">Metrics</h3>
        <dl class="facts" data-testid="llm-metrics">
          <div><dt>When</dt><dd><at-time [at]="i.occurredAt" /></dd></div>
          <div><dt>Status</dt><dd>{{ i.status }}@if (i.finishReasons.length) { ({{ i.finishReasons.join(', ') }}) }</dd></div>
          <div><dt>Model</dt><dd class="mono">{{ i.model }}@if (i.responseModel && i.responseModel !== i.model) { → {{ i.responseModel }} }</dd></div>
          <div><dt>Project</dt><dd>{{ i.project ?? '—' }}</dd></div>
          <div><dt>Operation</dt><dd>{{ i.operation ?? '—' }}@if (i.streamed) { (streamed) }</dd></div>
          <div><dt>User</dt><dd>{{ i.user ?? '—' }}</dd></div>
          <div><dt>Tokens in</dt><dd data-testid="metric-input-tokens">{{ tokens(i.inputTokens) }}</dd></div>
          <div><dt>Tokens out</dt><dd>{{ tokens(i.outputTokens) }}</dd></div>
          <div><dt>Cache read / write</dt><dd>{{ tokens(i.cacheReadTokens) }} / {{ tokens(i.cacheCreationTokens) }}</dd></div>
          <div><dt>Reasoning</dt><dd>{{ tokens(i.reasoningTokens) }}</dd></div>
          <div><dt>Cost</dt><dd data-testid="metric-cost">{{ cost() }}@if (i.cost) { <span class="muted">({{ i.cost.rule }})</span> }</dd></div>
          <div><dt>Latency</dt><dd>{{ i.latencyMs | duration }}</dd></div>
          <div><dt>First token</dt><dd>{{ i.timeToFirstTokenMs | duration }}</dd></div>
          <div><dt>Source</dt><dd>{{ i.source }}</dd></div>
          @if (i.url) {
            <div><dt>URL</dt><dd class="mono">{{ i.url }}</dd></div>
          }
          @if (i.tags.length) {
            <div><dt>Tags</dt><dd>{{ i.tags.join(', ') }}</dd></div>
          }
          <div><dt>Request</dt><dd data-testid="linked-request"><at-request-link [batchId]="i.batchId" /></dd></div>
        </dl>
      </div>

      @if (i.errorClass || i.errorMessage) {
        <div class="card error" role="alert" data-testid="llm-error">
          <h3 class="card-title">Error</h3>
          <pre>{{ i.errorClass ?? 'Error' }}: {{ i.errorMessage ?? '' }}</pre>
        </div>
      }

      <div class="card">
        <h3 class="card-title">Input</h3>
        @for (m of messages(); track $index) {
          <div class="message" data-testid="llm-input-message">
            <span class="role">{{ m.role }}</span>
            <pre>{{ m.text }}</pre>
          </div>
        } @empty {
          <p class="muted">No input recorded.</p>
        }
      </div>

      <div class="card" data-testid="llm-output">
        <h3 class="card-title">Output</h3>
        @if (output().text; as text) {
          <pre>{{ text }}</pre>
        } @else if (!output().toolCalls.length) {
          <p class="muted">No output recorded.</p>
        }
        @for (call of output().toolCalls; track $index) {
          <div class="tool" data-testid="llm-tool-call">
            <span class="role">tool call</span> <span class="mono">{{ call.name }}</span>
            @if (call.id) { <span class="muted mono">{{ call.id }}</span> }
            <at-json-viewer [value]="call.arguments" emptyText="No arguments" />
          </div>
        }
      </div>

      @if (d.parent || d.children.length) {
        <div class="card" data-testid="llm-relations">
          <h3 class="card-title">Parent and children</h3>
          @if (d.parent; as p) {
            <p>Parent: <a [routerLink]="['/llm', p.id]" data-testid="parent-link">{{ p.label ?? p.model }}</a></p>
          }
          @if (d.children.length) {
            <p>Children:</p>
            <ul>
              @for (c of d.children; track c.id) {
                <li><a [routerLink]="['/llm', c.id]" data-testid="child-link">{{ c.label ?? c.model }}</a> <span class="muted">{{ c.status }}</span></li>
              }
            </ul>
          }
        </div>
      }

      @if (tree().length > 1) {
        <div class="card" data-testid="llm-session-tree">
          <h3 class="card-title">Agent chain</h3>
          <ul class="tree">
            @for (row of tree(); track row.node.id) {
              <li [style.padding-left.px]="row.depth * 18" [class.current]="row.node.id === i.id">
                <a [routerLink]="['/llm', row.node.id]">{{ row.node.label ?? row.node.model }}</a>
                <span class="muted"> {{ row.node.provider }} / {{ row.node.model }} · {{ row.node.status }}</span>
              </li>
            }
          </ul>
        </div>
      }

      <div class="card" data-testid="llm-audit">
        <h3 class="card-title">Audit trail</h3>
        @if (audit().length) {
          <table class="table">
            <thead><tr><th>When</th><th>Who</th><th>Change</th><th>Comment</th></tr></thead>
            <tbody>
              @for (a of audit(); track a.version) {
                <tr data-testid="audit-row">
                  <td><at-time [at]="a.at" /></td>
                  <td>{{ a.actor ?? 'anonymous' }}</td>
                  <td>{{ a.from }} → {{ a.to }}</td>
                  <td>{{ a.comment ?? '' }}</td>
                </tr>
              }
            </tbody>
          </table>
        } @else {
          <p class="muted">Not reviewed yet.</p>
        }
      </div>

      <div class="card">
        <h3 class="card-title">Full JSON</h3>
        <at-json-viewer [value]="i" [openDepth]="1" />
      </div>
    }
  `,
  styles: `
    .card { margin-bottom: 12px; }
    .crumbs { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; font-size: 12.5px; margin-bottom: 10px; }
    .review { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; padding: 10px 12px; }
    .review .comment { min-width: 160px; max-width: 320px; flex: 1; }
    pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; font-family: var(--mono); font-size: 12.5px; }
    .message, .tool { border-top: 1px solid var(--border-soft); padding: 8px 0; }
    .role { font-size: 11px; font-weight: 600; text-transform: uppercase; color: var(--muted); letter-spacing: .03em; }
    .error pre { color: var(--danger); }
    .tree { list-style: none; margin: 0; padding: 0; font-size: 13px; }
    .tree li { padding: 3px 0; }
    .tree li.current a { font-weight: 600; }
  `,
})
export class LlmDetailPage {
  private readonly api = inject(ApiClient);
  private readonly reviews = inject(LlmReviewService);

  /** Route parameter. */
  readonly id = input.required<string>();

  protected readonly detail = httpResource(() => this.api.request(`llm/interactions/${encodeURIComponent(this.id())}`), { parse: parseLlmInteractionDetail });
  protected readonly answer = computed(() => valueOf(this.detail));
  protected readonly loadError = computed(() => (this.detail.error() ? errorMessage(this.detail.error()) : null));
  protected readonly messages = computed(() => {
    const i = this.answer()?.data;
    return i ? inputMessages(i.requestPayload, i.requestText) : [];
  });
  protected readonly output = computed(() => {
    const i = this.answer()?.data;
    return i ? outputOf(i.responsePayload, i.responseText) : { text: null, toolCalls: [] };
  });
  protected readonly audit = computed(() => auditLines(this.answer()?.audit ?? []));
  protected readonly tree = computed(() => treeRows(this.answer()?.sessionTree ?? []));
  protected readonly breadcrumb = computed(() => sessionPath(this.answer()?.sessionTree ?? [], this.id()));
  protected readonly cost = computed(() => formatCost(this.answer()?.data.cost ?? null));

  protected readonly comment = signal('');
  protected readonly busy = signal(false);
  protected readonly notice = signal<string | null>(null);

  protected label = labelOf;
  protected tokens = formatTokens;

  constructor() {
    inject(KeyboardService).usePageShortcuts(REVIEW_KEYS.map((k) => ({ key: k.key, does: k.does, run: () => void this.review(k.state) })));
  }

  protected async review(state: LlmReviewState): Promise<void> {
    const current = this.answer()?.data;
    if (this.busy() || !current?.id) return;
    this.busy.set(true);
    try {
      await this.reviews.reviewOne(current.id, state, this.comment().trim() || null, current.version);
      this.notice.set(`Marked ${state}.`);
      this.comment.set('');
    } catch (error) {
      this.notice.set(`Review failed: ${errorMessage(error)}`);
    } finally {
      this.busy.set(false);
      this.detail.reload();
    }
  }
}
