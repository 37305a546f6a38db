import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { trackedFetch } from '@active-tracker/nestjs';
import type { AddressInfo } from 'node:net';
import { AskDto } from './assistant.dto.js';

/** Node 22+ publishes fetch's body chunks, so plain fetch is captured; Node 20 needs trackedFetch. */
const llmFetch: typeof fetch = Number(process.versions.node.split('.')[0]) >= 22 ? (...args) => fetch(...args) : trackedFetch;

/**
 * `POST /assistant/ask { question, stream? }`: asks an LLM over the OpenAI wire format. The
 * provider is `DEMO_LLM_URL` (an OpenAI-compatible base URL ending in /v1), else the demo's own
 * fake provider. The tracker records the call as an LLM interaction in this request's batch.
 */
@Controller('assistant')
export class AssistantController {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly appConfig: ApplicationConfig,
  ) {}

  @Post('ask')
  @HttpCode(200)
  async ask(@Body() dto: AskDto): Promise<{ answer: string; model: string | null }> {
    const res = await llmFetch(`${this.baseUrl()}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.DEMO_LLM_KEY ?? 'no-key-needed'}` },
      body: JSON.stringify({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'system', content: 'You are the demo shop assistant.' },
          { role: 'user', content: dto.question },
        ],
        ...(dto.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
      }),
    });
    if (!dto.stream) {
      const body = (await res.json()) as { model?: string; choices?: Array<{ message?: { content?: string } }> };
      return { answer: body.choices?.[0]?.message?.content ?? '', model: body.model ?? null };
    }
    let answer = '';
    let model: string | null = null;
    for (const line of (await res.text()).split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const chunk = JSON.parse(line.slice(6)) as { model?: string; choices?: Array<{ delta?: { content?: string } }> };
      model ??= chunk.model ?? null;
      answer += chunk.choices?.[0]?.delta?.content ?? '';
    }
    return { answer, model };
  }

  private baseUrl(): string {
    if (process.env.DEMO_LLM_URL) return process.env.DEMO_LLM_URL.replace(/\/+$/, '');
    const address = this.adapterHost.httpAdapter.getHttpServer().address() as AddressInfo;
    const prefix = this.appConfig.getGlobalPrefix().replace(/^\/+|\/+$/g, '');
    return `http://127.0.0.1:${address.port}/${prefix ? `${prefix}/` : ''}fake-llm/v1`;
  }
}
