import { CatalogService, DEFAULT_SEARCH_LIMIT } from './catalog.service.js';

describe('CatalogService', () => {
  let service: CatalogService;

  beforeEach(() => {
    service = new CatalogService();
  });

  it('lists ten products with unique ids and skus, about 1.5 KB of JSON', () => {
    const products = service.list();
    expect(products).toHaveLength(10);
    expect(new Set(products.map((p) => p.id)).size).toBe(10);
    expect(new Set(products.map((p) => p.sku)).size).toBe(10);
    const bytes = Buffer.byteLength(JSON.stringify(products));
    expect(bytes).toBeGreaterThan(1200);
    expect(bytes).toBeLessThan(1800);
  });

  it('is deterministic and returns a copy of the list', () => {
    const products = service.list();
    expect(new CatalogService().list()).toEqual(products);
    products.pop();
    expect(service.list()).toHaveLength(10);
  });

  it('searches names, categories and tags case-insensitively', () => {
    expect(service.search({ query: 'JASMINE' }).data.map((p) => p.name)).toEqual(['Jasmine Pearl Green Tea']);
    expect(service.search({ query: 'teaware' }).data.every((p) => p.category === 'teaware')).toBe(true);
    expect(service.search({ query: 'organic' }).data.every((p) => p.tags.includes('organic'))).toBe(true);
  });

  it('limits the result but reports every match, and answers about 1.5 KB for a broad query', () => {
    const limited = service.search({ query: 'tea', limit: 3 });
    expect(limited).toMatchObject({ query: 'tea', total: 10 });
    expect(limited.data).toHaveLength(3);
    const broad = service.search({ query: 'tea' });
    expect(broad.data).toHaveLength(DEFAULT_SEARCH_LIMIT);
    expect(Buffer.byteLength(JSON.stringify(broad))).toBeGreaterThan(1200);
  });

  it('returns an empty page when nothing matches', () => {
    expect(service.search({ query: 'coffee' })).toEqual({ query: 'coffee', total: 0, data: [] });
  });
});
