/**
 * Recognizes LLM calls by their wire format (the path, and Anthropic's version header), not by
 * host name, so self-hosted and compatible servers (Azure OpenAI, vLLM, LiteLLM, OpenRouter,
 * Ollama) are captured too.
 */
export type LlmWireFormat = 'openai' | 'anthropic' | 'ollama';

export interface LlmEndpoint {
  /** How the request and response are read. */
  format: LlmWireFormat;
  /** The provider name recorded (the host's, when known; else the wire format's). */
  provider: string;
  /** 'chat', 'responses', 'embeddings', 'messages', 'generate'. */
  operation: string;
}

/** What a custom matcher sees of an outbound call. */
export interface LlmCallInfo {
  method: string;
  /** The URL, credentials and secret query parameters redacted. */
  url: string;
  host: string;
  path: string;
  hasHeader(name: string): boolean;
}

/** Recognizes more wire formats: return an endpoint for a call, or null to leave it to the built-in rules. */
export type LlmEndpointMatcher = (call: LlmCallInfo) => LlmEndpoint | null | undefined;

/** Providers named from well-known hosts of the OpenAI wire format; any other host is 'openai' (compatible). */
const OPENAI_HOSTS: Array<[RegExp, string]> = [
  [/(^|\.)openai\.azure\.com$/, 'azure'],
  [/(^|\.)openrouter\.ai$/, 'openrouter'],
  [/(^|\.)groq\.com$/, 'groq'],
  [/(^|\.)mistral\.ai$/, 'mistral'],
  [/(^|\.)deepseek\.com$/, 'deepseek'],
  [/(^|\.)together\.xyz$/, 'together'],
  [/(^|\.)x\.ai$/, 'x-ai'],
  [/(^|\.)generativelanguage\.googleapis\.com$/, 'google'],
];

function openAiProvider(host: string): string {
  const name = host.replace(/:\d+$/, '').toLowerCase();
  for (const [pattern, provider] of OPENAI_HOSTS) if (pattern.test(name)) return provider;
  return 'openai';
}

/** The endpoint of a call, or null when it is not an LLM call. Custom matchers are asked first. */
export function recognizeLlmCall(call: LlmCallInfo, matchers: readonly LlmEndpointMatcher[] = []): LlmEndpoint | null {
  for (const matcher of matchers) {
    const found = matcher(call);
    if (found) return found;
  }
  if (call.method.toUpperCase() !== 'POST') return null;
  const path = call.path.replace(/[?#].*$/, '').replace(/\/+$/, '');
  if (/\/messages$/.test(path) && call.hasHeader('anthropic-version')) return { format: 'anthropic', provider: 'anthropic', operation: 'messages' };
  if (/\/chat\/completions$/.test(path)) return { format: 'openai', provider: openAiProvider(call.host), operation: 'chat' };
  if (/\/responses$/.test(path)) return { format: 'openai', provider: openAiProvider(call.host), operation: 'responses' };
  if (/\/api\/chat$/.test(path)) return { format: 'ollama', provider: 'ollama', operation: 'chat' };
  if (/\/api\/generate$/.test(path)) return { format: 'ollama', provider: 'ollama', operation: 'generate' };
  if (/\/api\/embed(dings)?$/.test(path)) return { format: 'ollama', provider: 'ollama', operation: 'embeddings' };
  if (/\/embeddings$/.test(path)) return { format: 'openai', provider: openAiProvider(call.host), operation: 'embeddings' };
  return null;
}
