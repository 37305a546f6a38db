import { DEFAULT_SENSITIVE_KEYS, REDACTED } from './sensitive-keys.js';
import { UrlRedactor } from './url-redaction.js';

const R = REDACTED;

describe('UrlRedactor', () => {
  const urls = new UrlRedactor(DEFAULT_SENSITIVE_KEYS);

  it('replaces credentials in the authority, whatever the scheme', () => {
    expect(urls.redact('https://user:pass@api.example.com/v1')).toBe(`https://${R}@api.example.com/v1`);
    expect(urls.redact('https://token@api.example.com')).toBe(`https://${R}@api.example.com`);
    expect(urls.redact('postgres://app:hunter2@db:5432/main?sslmode=require')).toBe(`postgres://${R}@db:5432/main?sslmode=require`);
    expect(urls.redact('HTTP://A:B@h/')).toBe(`HTTP://${R}@h/`);
    // an "@" in the path or the query is not a credential
    expect(urls.redact('https://h/users/@ann?mail=a@b.c')).toBe('https://h/users/@ann?mail=a@b.c');
  });

  it('redacts the values of sensitive query parameters and keeps the others (order, encoding, empty values)', () => {
    expect(urls.redact('https://h/p?api_key=1&token=2&access_token=3&password=4&page=5&q=a+b&empty=&flag')).toBe(
      `https://h/p?api_key=${R}&token=${R}&access_token=${R}&password=${R}&page=5&q=a+b&empty=&flag`,
    );
    expect(urls.redact('/p?Authorization=x&session_id=y&client_secret=z&refreshToken=t')).toBe(
      `/p?Authorization=${R}&session_id=${R}&client_secret=${R}&refreshToken=${R}`,
    );
  });

  it('redacts card and SSN parameters of the default sensitive keys', () => {
    expect(urls.redact('/pay?cardNumber=4111111111111111&cvv=123&cc=4111&ssn=078-05-1120&amount=5')).toBe(
      `/pay?cardNumber=${R}&cvv=${R}&cc=${R}&ssn=${R}&amount=5`,
    );
    expect(urls.redact('/p?accept=json&success=1&access=ro')).toBe('/p?accept=json&success=1&access=ro');
  });

  it('redacts the names common in signed URLs (fragments and whole names)', () => {
    expect(urls.redact('/o?X-Amz-Signature=s&X-Amz-Credential=c&Signature=s2&auth=a&jwt=j&hmac=h&AWSAccessKeyId=k')).toBe(
      `/o?X-Amz-Signature=${R}&X-Amz-Credential=${R}&Signature=${R}&auth=${R}&jwt=${R}&hmac=${R}&AWSAccessKeyId=${R}`,
    );
    expect(urls.redact('/o?key=1&sig=2&sign=3&code=4&pass=5&pwd=6')).toBe(`/o?key=${R}&sig=${R}&sign=${R}&code=${R}&pass=${R}&pwd=${R}`);
    // whole names only: longer names containing them are kept unless another rule matches
    expect(urls.redact('/o?zipcode=1&passage=2&signal=3')).toBe('/o?zipcode=1&passage=2&signal=3');
  });

  it('redacts any parameter whose name ends in "key" (normalized: apiKey, api-key, publicKey, monkey)', () => {
    expect(urls.redact('/p?apiKey=1&api-key=2&publicKey=3&monkey=4&keys=5&keyboard=6')).toBe(
      `/p?apiKey=${R}&api-key=${R}&publicKey=${R}&monkey=${R}&keys=5&keyboard=6`,
    );
  });

  it('decodes parameter names before matching (percent-encoding, "+"), keeping them as written', () => {
    expect(urls.redact('/p?api%5Fkey=1&pass%77ord=2&client+secret=3&bad%ZZname=4')).toBe(`/p?api%5Fkey=${R}&pass%77ord=${R}&client+secret=${R}&bad%ZZname=4`);
  });

  it('redacts every occurrence of a repeated parameter, and array-style names', () => {
    expect(urls.redact('/p?token=a&token=b&token[]=c&user[password]=d')).toBe(`/p?token=${R}&token=${R}&token[]=${R}&user[password]=${R}`);
  });

  it('drops the fragment (never sent to a server, may carry tokens: #access_token=...)', () => {
    expect(urls.redact('https://h/cb#access_token=abc&state=1')).toBe('https://h/cb');
    expect(urls.redact('https://h/cb?state=1#frag')).toBe('https://h/cb?state=1');
    expect(urls.redact('/p?x=1#')).toBe('/p?x=1');
  });

  it('handles inbound request targets (a path and a query, no authority)', () => {
    expect(urls.redact('/p?x=1&token=2')).toBe(`/p?x=1&token=${R}`);
    expect(urls.redact('/p')).toBe('/p');
    expect(urls.redact('/p?')).toBe('/p?');
    expect(urls.redact('/a/b?c=1&password=%20spaced%20')).toBe(`/a/b?c=1&password=${R}`);
    expect(urls.redact('*')).toBe('*');
    expect(urls.redact('')).toBe('');
  });

  it("adds the tracker's own sensitive keys and extra names, and uses only those given", () => {
    const custom = new UrlRedactor(['tenant'], ['=region']);
    expect(custom.redact('/p?tenantId=1&region=eu&regions=x&password=2&token=3&signature=4')).toBe(
      `/p?tenantId=${R}&region=${R}&regions=x&password=2&token=3&signature=${R}`,
    );
    expect(custom.isSensitiveParam('myTenant')).toBe(true);
    expect(custom.isSensitiveParam('page')).toBe(false);
  });
});
