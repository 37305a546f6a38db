import v8 from 'node:v8';
import vm from 'node:vm';
import { monotonicFactory } from 'ulid';
import type { Entry } from '../../entries/entry.js';
import { MemoryRepository } from '../../storage/memory/memory.repository.js';
import { prepareEntry } from '../../storage/prepared-entry.js';
import { buildLlmContent, LLM_ENTRY_TYPE } from './llm-interaction.builder.js';
import { LlmPricing } from './llm-pricing.js';
import { LlmRedaction } from './llm-redaction.js';
import { csvField, exportChunks } from './llm.export.js';
import { scanInteractions } from './llm.queries.js';

describe('LLM export', () => {
  it('CSV fields: quoted when needed, formulas neutralized', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"\nbye')).toBe('"say ""hi""\nbye"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField(['a', 'b'])).toBe('"[""a"",""b""]"');
  });

  it('streams 100,000 interactions page by page in bounded memory (peak RSS printed)', async () => {
    const total = 100_000;
    const repo = new MemoryRepository({ maxAgeMs: 86_400_000, maxEntriesPerType: total });
    const deps = { redaction: new LlmRedaction(), pricing: new LlmPricing([{ model: '*', inputPerMillion: 1, outputPerMillion: 2 }]), project: 'bulk' };
    const ulid = monotonicFactory();
    const start = Date.now() - total;
    const template = buildLlmContent(
      { provider: 'openai', model: 'gpt-4o-mini', requestText: 'a question, with "quotes", commas', inputTokens: 50, outputTokens: 3 },
      deps,
      start,
    );
    for (let done = 0; done < total; done += 5000) {
      const batch = [];
      for (let n = done; n < done + 5000; n++) {
        // No tags: this export has no filter, and the store's tag indexes are not what is measured.
        const content = { ...template, inputTokens: n % 97, label: `question ${n}` };
        const entry: Entry = {
          id: ulid(start + n),
          type: LLM_ENTRY_TYPE,
          batchId: null,
          occurredAt: new Date(start + n).toISOString(),
          durationMs: null,
          familyHash: null,
          tags: {},
          content: content as never,
          version: 1,
        };
        batch.push(prepareEntry(entry));
      }
      await repo.save(batch);
    }
    expect(await repo.count(LLM_ENTRY_TYPE)).toBe(total);

    // Retained memory, measured after a full GC: what the export holds, not garbage waiting for collection.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const baseline = process.memoryUsage();
    let peakRss = baseline.rss;
    let peakHeapGrowth = 0;
    let rows = -1; // the header
    let biggestChunk = 0;
    let chunks = 0;
    for await (const chunk of exportChunks(scanInteractions(repo, {}), 'csv', (e) => e)) {
      chunks++;
      biggestChunk = Math.max(biggestChunk, chunk.length);
      for (let i = chunk.indexOf('\r\n'); i >= 0; i = chunk.indexOf('\r\n', i + 2)) rows++;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      if (chunks % 100 === 0) {
        gc();
        peakHeapGrowth = Math.max(peakHeapGrowth, process.memoryUsage().heapUsed - baseline.heapUsed);
      }
    }
    console.log(
      `LLM export of ${total} interactions: ${chunks} chunks, peak RSS ${(peakRss / 1048576).toFixed(1)} MB (baseline ${(baseline.rss / 1048576).toFixed(1)} MB), peak heap growth ${(peakHeapGrowth / 1048576).toFixed(1)} MB`,
    );
    expect(rows).toBe(total);
    // Written as it is read: many chunks, none much larger than the 16 KB flush size.
    expect(chunks).toBeGreaterThan(total / 200);
    expect(biggestChunk).toBeLessThan(20 * 1024);
    // The whole CSV is ~20 MB; the export holds a page of entries and a chunk, not the export.
    expect(peakHeapGrowth).toBeLessThan(8 * 1048576);
  }, 120_000);
});
