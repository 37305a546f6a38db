import { Controller, Module, Post, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ActiveTracker, ActiveTrackerModule, llm, requests } from '@active-tracker/nestjs';
import type { LlmInteraction } from '@active-tracker/nestjs/contracts';
import { parseEntries } from '../apps/dashboard/src/app/core/api/api.parsers.js';
import { parseLlmInteractionDetail, parseLlmInteractions } from '../apps/dashboard/src/app/features/llm/llm.parsers.js';
import { launchChromium, openPage, waitForCount, waitForValue } from './support/browser.js';

const DASHBOARD_INDEX = join(import.meta.dirname, '../libs/active-tracker/dashboard/index.html');

@Controller()
class AgentController {
  constructor(private readonly tracker: ActiveTracker) {}

  /** An LLM call made while a request runs: it belongs to the request's batch. */
  @Post('agent')
  async agent() {
    const result = await this.tracker.llm.record({
      provider: 'anthropic',
      model: 'claude-3-5-haiku',
      requestText: 'Called from a request',
      inputTokens: 5,
      outputTokens: 2,
    });
    return { id: result.interaction?.id ?? null };
  }
}

/** The LLM pages of the built dashboard in Chromium: the table, filters, review (single, bulk, keys) and its audit trail, the detail. */
describe('dashboard: the LLM pages (real browser)', () => {
  let app: INestApplication;
  let tracker: ActiveTracker;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const byLabel = new Map<string, LlmInteraction>();

  const record = async (input: Parameters<ActiveTracker['llm']['record']>[0]): Promise<LlmInteraction> => {
    const result = await tracker.llm.record(input);
    if (!result.success || !result.interaction) throw result.error ?? new Error('not recorded');
    byLabel.set(input.requestText ?? '', result.interaction);
    return result.interaction;
  };

  beforeAll(async () => {
    if (!existsSync(DASHBOARD_INDEX)) throw new Error('the dashboard is not built: run `npm run build:dashboard` (npm test does it)');
    @Module({
      imports: [
        ActiveTrackerModule.forRoot({
          actor: (req) => (typeof req.headers['x-user'] === 'string' ? req.headers['x-user'] : null),
          authorize: () => true,
          plugins: [requests(), llm({ authorize: () => true, persistAsync: false, project: 'e2e' })],
        }),
      ],
      controllers: [AgentController],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    tracker = app.get(ActiveTracker);

    // Oldest first; the table lists newest first.
    const parent = await record({
      provider: 'openai',
      model: 'gpt-4o-mini',
      requestText: 'Plan the trip to Oslo',
      requestPayload: {
        messages: [
          { role: 'system', content: 'You plan trips' },
          { role: 'user', content: 'Plan the trip to Oslo' },
        ],
      },
      responsePayload: {
        choices: [
          { message: { content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } }] } },
        ],
      },
      inputTokens: 120,
      outputTokens: 30,
      latencyMs: 900,
      user: 'ada',
      sessionId: 'trip-1',
    });
    await record({
      provider: 'openai',
      model: 'gpt-4o-mini',
      requestText: 'Summarize the weather',
      responseText: 'Cold and clear.',
      inputTokens: 40,
      outputTokens: 10,
      user: 'ada',
      sessionId: 'trip-1',
      parentId: parent.id,
    });
    await record({
      provider: 'openai',
      model: 'gpt-4o',
      requestText: 'Translate to French',
      status: 'error',
      errorClass: 'RateLimitError',
      errorMessage: 'Too many requests',
    });
    await record({ provider: 'ollama', model: 'llama3', requestText: '<img src=x onerror="window.__pwned=1">Hostile prompt', user: 'bob' });
    await record({ provider: 'openai', model: 'gpt-4o-mini', requestText: 'Write a haiku', inputTokens: 8, outputTokens: 17, user: 'bob' });
    const agent = await fetch(`${origin}/agent`, { method: 'POST' });
    expect(agent.status).toBe(201);
    await tracker.flush();
    browser = await launchChromium();
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  beforeEach(async () => {
    page = await openPage(browser);
    // The reviewer: the tracker's actor is read from this header (and kept in the audit trail).
    await page.setExtraHTTPHeaders({ 'x-user': 'ada' });
  });
  afterEach(async () => page?.close());

  const rows = () => page.locator('tr[data-testid="llm-row"]');
  const row = (label: string) => rows().filter({ hasText: label });
  const stateOf = (label: string) => () => row(label).getByTestId('review-state').innerText();
  const audit = async (label: string) => {
    const id = byLabel.get(label)!.id!;
    const answer = parseLlmInteractionDetail(await (await fetch(`${origin}/activetracker/api/llm/interactions/${id}`)).json());
    return answer.audit.map((a) => ({ actor: a.actor, to: a.to.tags?.['review'], comment: a.comment }));
  };

  it('lists every interaction with its KPIs; a hostile prompt is text; the filters are in the URL', async () => {
    await page.goto(`${origin}/activetracker/llm`);
    await waitForCount(rows(), 6);
    await page.locator('nav a[href$="/llm"]').first().waitFor();
    await waitForValue(() => page.getByTestId('kpi-calls').innerText(), '6');
    expect(await page.getByTestId('kpi-errors').innerText()).toBe('17%');
    const haiku = await row('Write a haiku').innerText();
    expect(haiku).toContain('bob');
    expect(haiku).toContain('openai / gpt-4o-mini');
    expect(haiku).toContain('17');
    expect(await row('Translate to French').innerText()).toContain('unpriced');
    // Captured text is interpolated: the markup shows as text and runs nothing.
    expect(await row('Hostile prompt').locator('a.row-link').innerText()).toBe('<img src=x onerror="window.__pwned=1">Hostile prompt');
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    // The chart is drawn once it scrolls into view (uPlot is loaded then).
    await page.locator('.chart-card').scrollIntoViewIfNeeded();
    await page.locator('.chart-card canvas').first().waitFor();

    await page.getByTestId('filter-status').selectOption('error');
    await waitForCount(rows(), 1);
    expect(page.url()).toContain('status=error');
    expect(await rows().innerText()).toContain('Translate to French');
    await waitForValue(() => page.getByTestId('kpi-calls').innerText(), '1');
    await page.getByTestId('filter-status').selectOption('');
    await page.getByTestId('filter-user').fill('bob');
    await page.getByTestId('filter-user').press('Tab');
    await waitForCount(rows(), 2);
    expect(page.url()).toContain('user=bob');
    // The export follows the filters.
    const href = await page.getByTestId('export-csv').getAttribute('href');
    expect(href).toBe(`${origin}/activetracker/api/llm/export?format=csv&user=bob`);
    const csv = await (await fetch(href!)).text();
    expect(csv.trim().split('\n')).toHaveLength(3); // the header and bob's two interactions
  });

  it('reviews one row and many (buttons and a/f/r keys); each change is audited with its reviewer and comment', async () => {
    await page.goto(`${origin}/activetracker/llm`);
    await waitForCount(rows(), 6);

    // One row, by its button.
    await row('Write a haiku').getByTestId('row-approve').click();
    await waitForValue(stateOf('Write a haiku'), 'approved');

    // Two rows checked, flagged in bulk with a comment.
    await row('Plan the trip').getByTestId('row-select').check();
    await row('Summarize the weather').getByTestId('row-select').check();
    await waitForValue(() => page.getByTestId('selected-count').innerText(), '2 selected');
    await page.getByTestId('review-comment').fill('check the sources');
    await page.getByTestId('bulk-flag').click();
    await waitForValue(stateOf('Plan the trip'), 'flagged');
    await waitForValue(stateOf('Summarize the weather'), 'flagged');
    expect(await page.getByTestId('llm-notice').innerText()).toBe('2 interactions flagged.');
    await waitForValue(() => page.getByTestId('selected-count').innerText(), '0 selected');

    // Keys: j moves to the first row (the newest: the request's call), r rejects it.
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    await waitForValue(stateOf('Called from a request'), 'rejected');
    // k/j move the focus, f flags the focused row.
    await page.keyboard.press('j');
    await page.keyboard.press('f');
    await waitForValue(stateOf('Write a haiku'), 'flagged');
    // Checked rows take precedence over the focus: a approves both.
    await row('Plan the trip').getByTestId('row-select').check();
    await row('Summarize the weather').getByTestId('row-select').check();
    await waitForValue(() => page.getByTestId('selected-count').innerText(), '2 selected');
    await page.keyboard.press('a');
    await waitForValue(stateOf('Plan the trip'), 'approved');
    await waitForValue(stateOf('Summarize the weather'), 'approved');

    // ? lists the page's review keys next to the global ones.
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor();
    expect(await help.getByTestId('page-shortcut').allInnerTexts()).toEqual([
      expect.stringContaining('a'),
      expect.stringContaining('f'),
      expect.stringContaining('r'),
    ]);
    await page.keyboard.press('Escape');

    // The review filter shows the approved ones.
    await page.getByTestId('filter-review').selectOption('approved');
    await waitForCount(rows(), 2);

    // Every change is in the audit trail, bulk ones per interaction.
    expect(await audit('Write a haiku')).toEqual([
      { actor: 'ada', to: 'approved', comment: null },
      { actor: 'ada', to: 'flagged', comment: null },
    ]);
    for (const label of ['Plan the trip to Oslo', 'Summarize the weather'])
      expect(await audit(label)).toEqual([
        { actor: 'ada', to: 'flagged', comment: 'check the sources' },
        { actor: 'ada', to: 'approved', comment: null },
      ]);

    // The detail page shows the trail.
    await page.goto(`${origin}/activetracker/llm/${byLabel.get('Plan the trip to Oslo')!.id}`);
    const trail = page.locator('[data-testid="llm-audit"] [data-testid="audit-row"]');
    await waitForCount(trail, 2);
    expect(await trail.nth(0).innerText()).toContain('unreviewed → flagged');
    expect(await trail.nth(0).innerText()).toContain('check the sources');
    expect(await trail.nth(1).innerText()).toContain('flagged → approved');
    expect(await trail.nth(1).innerText()).toContain('ada');

    // Review on the detail page, by key.
    await page.keyboard.press('r');
    await waitForCount(trail, 3);
    expect(await page.getByTestId('llm-review').getByTestId('review-state').innerText()).toBe('rejected');
  });

  it('a new interaction shows through the live banner when it matches the filters; the list does not jump', async () => {
    await page.goto(`${origin}/activetracker/llm?provider=openai`);
    await page.locator('[data-testid="live-status"].on').waitFor();
    await waitForCount(rows(), 4);
    await record({ provider: 'ollama', model: 'llama3', requestText: 'Not this list' });
    await record({ provider: 'openai', model: 'gpt-4o', requestText: 'A live one', inputTokens: 1, outputTokens: 1 });
    const banner = page.getByTestId('live-banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/^1 new entry —\s+show$/);
    expect(await rows().count()).toBe(4);
    await banner.click();
    await waitForCount(rows(), 5);
    expect(await rows().first().innerText()).toContain('A live one');
    await banner.waitFor({ state: 'detached' });
    await waitForValue(() => page.getByTestId('kpi-calls').innerText(), '5');
  });

  it('detail: messages, tool calls, error, parent/children, the session breadcrumb, the linked request; the call is in the request timeline', async () => {
    const parent = byLabel.get('Plan the trip to Oslo')!;
    const child = byLabel.get('Summarize the weather')!;
    await page.goto(`${origin}/activetracker/llm/${child.id}`);
    await page.getByTestId('llm-metrics').waitFor();
    expect(await page.getByTestId('session-breadcrumb').innerText()).toContain('Plan the trip to Oslo');
    expect(await page.getByTestId('session-link').getAttribute('href')).toBe('/activetracker/llm?session=trip-1');
    expect(await page.getByTestId('llm-output').innerText()).toContain('Cold and clear.');
    await page.getByTestId('parent-link').click();
    await page.waitForURL(`**/llm/${parent.id}`);
    await waitForCount(page.getByTestId('llm-input-message'), 2);
    expect(await page.getByTestId('llm-input-message').allInnerTexts()).toEqual([
      expect.stringContaining('You plan trips'),
      expect.stringContaining('Plan the trip to Oslo'),
    ]);
    expect(await page.getByTestId('llm-tool-call').innerText()).toContain('weather');
    expect(await page.getByTestId('child-link').innerText()).toBe('Summarize the weather');
    expect(await page.getByTestId('llm-session-tree').innerText()).toContain('Summarize the weather');

    await page.goto(`${origin}/activetracker/llm/${byLabel.get('Translate to French')!.id}`);
    expect(await page.getByTestId('llm-error').innerText()).toContain('RateLimitError: Too many requests');

    // The call made during POST /agent links to its request, and the request's timeline lists the call.
    const fromRequest = parseLlmInteractions(await (await fetch(`${origin}/activetracker/api/llm/interactions?provider=anthropic`)).json()).data[0];
    await page.goto(`${origin}/activetracker/llm/${fromRequest.id}`);
    const requestLink = page.getByTestId('request-link');
    await requestLink.waitFor();
    expect(await requestLink.innerText()).toContain('/agent');
    await requestLink.click();
    const llmRow = page.locator('[data-testid="timeline-row"][data-type="llm"]');
    await llmRow.waitFor();
    expect(await llmRow.innerText()).toContain('anthropic claude-3-5-haiku');
    await llmRow.locator('a').click();
    await page.waitForURL(`**/llm/${fromRequest.id}`);
  });

  // Last: it deletes the interactions.
  it('Clear LLM deletes every interaction after confirmation; the requests stay', async () => {
    await page.goto(`${origin}/activetracker/llm`);
    await waitForCount(rows(), 8);
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByTestId('llm-clear').click();
    await waitForCount(rows(), 0);
    expect(asked).toContain('Delete every LLM interaction');
    expect(await page.getByTestId('llm-notice').innerText()).toBe('8 interactions deleted.');
    await waitForValue(() => page.getByTestId('kpi-calls').innerText(), '0');
    const requests = parseEntries(await (await fetch(`${origin}/activetracker/api/entries?type=request`)).json());
    expect(requests.data.map((e) => e.content['path'])).toContain('/agent');
  });
});
