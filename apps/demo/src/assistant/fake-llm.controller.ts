import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';

interface ChatRequest {
  model?: string;
  messages?: Array<{ role: string; content: unknown }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

/**
 * A fake LLM provider served by the demo itself, speaking OpenAI's chat completions wire format
 * (JSON and server-sent events), so `npm start` shows LLM calls without an API key. It echoes the
 * question and reports plausible usage.
 */
@Controller('fake-llm/v1')
export class FakeLlmController {
  @Post('chat/completions')
  @HttpCode(200)
  complete(@Body() body: ChatRequest, @Res() res: Response): void {
    const model = body.model ?? 'gpt-4o-mini';
    const question = String([...(body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '');
    const words = `You asked: "${question.slice(0, 200)}". Here is a fake but friendly answer.`.split(/(?= )/);
    const usage = {
      prompt_tokens: 12 + Math.ceil(question.length / 4),
      completion_tokens: words.length,
      total_tokens: 12 + Math.ceil(question.length / 4) + words.length,
      prompt_tokens_details: { cached_tokens: 0 },
    };
    const base = { id: `chatcmpl-demo-${Date.now()}`, created: Math.floor(Date.now() / 1000), model: `${model}-demo` };
    if (!body.stream) {
      res.json({
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: words.join('') }, finish_reason: 'stop' }],
        usage,
      });
      return;
    }
    res.setHeader('content-type', 'text/event-stream');
    const send = (data: unknown) => res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    for (const word of words) send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
    send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    if (body.stream_options?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    send('[DONE]');
    res.end();
  }
}
