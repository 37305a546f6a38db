import { eventContent } from '../../../testing/api.fixtures';
import { eventDetailModel } from './event-detail.model';

describe('event page model', () => {
  it('shows the EventReporter tags from content.eventTags (the page used to read content.tags: never shown)', () => {
    expect(eventDetailModel(eventContent).eventTags).toEqual({ channel: 'web', checkout: true });
  });

  it('shows the context and the source as file:line in function', () => {
    const model = eventDetailModel(eventContent);
    expect(model.context).toEqual({ tenant: 'acme' });
    expect(model.source).toBe('src/checkout.service.ts:20 in CheckoutService.checkout');
  });

  it('hides empty or encrypted tags and context, and a missing source', () => {
    const model = eventDetailModel({ ...eventContent, eventTags: {}, context: '[encrypted]' as unknown as Record<string, unknown>, source: null });
    expect(model).toEqual({ eventTags: null, context: null, source: null });
  });
});
