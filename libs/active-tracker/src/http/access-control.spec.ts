import { ActiveTrackerModuleOptions, resolveOptions } from '../active-tracker.options.js';
import { decideAccess } from './access-control.js';

function options(input: ActiveTrackerModuleOptions = {}) {
  return resolveOptions({ plugins: [], ...input }, () => []);
}

function basic(userPass: string): string {
  return `Basic ${Buffer.from(userPass).toString('base64')}`;
}

function req(authorization?: string): { headers: Record<string, string> } {
  return { headers: authorization === undefined ? {} : { authorization } };
}

describe('decideAccess without credentials configured', () => {
  it('hides everything in production (secure default)', async () => {
    expect(await decideAccess(req(), options(), true)).toBe('hide');
    expect(await decideAccess(req(basic('admin:secret')), options(), true)).toBe('hide');
  });

  it('allows everything outside production', async () => {
    expect(await decideAccess(req(), options(), false)).toBe('allow');
  });
});

describe('decideAccess with HTTP Basic authentication', () => {
  const opts = options({ authentication: 'admin:s3cr:et' });

  it('allows the right credentials, in production too', async () => {
    expect(await decideAccess(req(basic('admin:s3cr:et')), opts, true)).toBe('allow');
    expect(await decideAccess(req(basic('admin:s3cr:et')), opts, false)).toBe('allow');
    // The scheme is case-insensitive and extra spaces around the token are tolerated.
    expect(await decideAccess(req(`basic  ${Buffer.from('admin:s3cr:et').toString('base64')} `), opts, true)).toBe('allow');
  });

  it('challenges missing or wrong credentials', async () => {
    for (const header of [
      undefined,
      basic('admin:wrong'),
      basic('Admin:s3cr:et'),
      basic('admin:s3cr:et '),
      basic('admin:s3cr'),
      basic('admin:s3cr:etX'),
      basic(''),
    ]) {
      expect(await decideAccess(req(header), opts, true)).toBe('challenge');
    }
  });

  it('challenges malformed headers', async () => {
    for (const header of [
      'Basic',
      'Basic ',
      'Basic !!!not-base64!!!',
      'Bearer abc',
      'Digest username="admin"',
      `Basic${Buffer.from('admin:s3cr:et').toString('base64')}`,
      'admin:s3cr:et',
    ]) {
      expect(await decideAccess(req(header), opts, true)).toBe('challenge');
    }
    expect(await decideAccess({ headers: { authorization: ['a', 'b'] } }, opts, true)).toBe('challenge');
    expect(await decideAccess({}, opts, true)).toBe('challenge');
  });

  it('handles non-ASCII credentials', async () => {
    const unicode = options({ authentication: 'jürgen:pässwörd' });
    expect(await decideAccess(req(basic('jürgen:pässwörd')), unicode, true)).toBe('allow');
    expect(await decideAccess(req(basic('jurgen:passwort')), unicode, true)).toBe('challenge');
  });
});

describe('decideAccess with an authorize predicate', () => {
  it('allows when it returns true, hides when it returns false (sync and async)', async () => {
    expect(await decideAccess(req(), options({ authorize: () => true }), true)).toBe('allow');
    expect(await decideAccess(req(), options({ authorize: () => false }), true)).toBe('hide');
    expect(await decideAccess(req(), options({ authorize: async () => true }), true)).toBe('allow');
    expect(await decideAccess(req(), options({ authorize: async () => false }), false)).toBe('hide');
  });

  it('gives the predicate the request', async () => {
    const seen: unknown[] = [];
    const request = { headers: { 'x-admin': '1' } };
    const opts = options({ authorize: (r) => (seen.push(r), r.headers['x-admin'] === '1') });
    expect(await decideAccess(request, opts, true)).toBe('allow');
    expect(seen).toEqual([request]);
    expect(await decideAccess({ headers: {} }, opts, true)).toBe('hide');
  });

  it('hides when it throws or rejects', async () => {
    const throwing = options({
      authorize: () => {
        throw new Error('db down');
      },
    });
    expect(await decideAccess(req(), throwing, true)).toBe('hide');
    expect(await decideAccess(req(), options({ authorize: () => Promise.reject(new Error('x')) }), true)).toBe('hide');
  });

  it('only true counts: truthy non-boolean answers hide', async () => {
    for (const answer of [1, 'yes', {}, undefined, null]) {
      expect(await decideAccess(req(), options({ authorize: () => answer as unknown as boolean }), true)).toBe('hide');
    }
  });
});

describe('decideAccess with both', () => {
  it('checks the credentials first (challenge), then the predicate (hide)', async () => {
    let calls = 0;
    const opts = options({ authentication: 'a:b', authorize: (r) => (calls++, r.headers['x-ok'] === '1') });
    expect(await decideAccess(req(basic('a:wrong')), opts, true)).toBe('challenge');
    expect(calls).toBe(0);
    expect(await decideAccess({ headers: { authorization: basic('a:b') } }, opts, true)).toBe('hide');
    expect(await decideAccess({ headers: { authorization: basic('a:b'), 'x-ok': '1' } }, opts, true)).toBe('allow');
    expect(calls).toBe(2);
  });
});
