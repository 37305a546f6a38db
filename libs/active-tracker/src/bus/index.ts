/** Public API of the instrumentation bus (Notifications) and the structured event reporter (EventReporter). */
export * from './instrumentation-event.js';
export * from './instrumentation-bus.js';
export * from './event-reporter.js';
export { RequestScopedContextStore } from './event-context-store.js';
export type { EventContextStore } from './event-context-store.js';
export { isPlainObject, normalizeKeys, normalizePayload, filterPayload, serializeEventPayload } from './event-payload.js';
export type { SerializableEvent } from './event-payload.js';
export { currentTags, resolveTags } from './event-tag-stack.js';
export type { EventTag, EventTags } from './event-tag-stack.js';
export { callerLocation, parseStackFrame } from './source-location.js';
export type { SourceLocation } from './source-location.js';
