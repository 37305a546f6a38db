import { failedCallContent } from '../../../testing/api.fixtures';
import { httpErrorText } from './http-error.util';

describe('outbound call errors', () => {
  it('show name, message and code of the { name, message, code? } the server sends (not [object Object])', () => {
    expect(httpErrorText(failedCallContent.error)).toBe('TypeError: fetch failed (ECONNREFUSED)');
    expect(httpErrorText({ name: 'AbortError', message: 'This operation was aborted' })).toBe('AbortError: This operation was aborted');
    expect(httpErrorText({ name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9', code: 'ECONNREFUSED' })).toBe('Error: connect ECONNREFUSED 127.0.0.1:9');
  });

  it('cope with partial errors, placeholders and no error', () => {
    expect(httpErrorText({ name: '', message: 'socket hang up', code: 'ECONNRESET' })).toBe('socket hang up (ECONNRESET)');
    expect(httpErrorText('[encrypted]')).toBe('[encrypted]');
    expect(httpErrorText(undefined)).toBeNull();
  });
});
