import { Injectable } from '@nestjs/common';
import type { Product } from './product.js';
import type { SearchCatalogDto } from './search-catalog.dto.js';

/** Default page size of a search. */
export const DEFAULT_SEARCH_LIMIT = 10;

/** Name and category of each product, in catalogue order. */
const PRODUCTS: ReadonlyArray<readonly [name: string, category: string]> = [
  ['Assam Breakfast Tea', 'tea'],
  ['Darjeeling First Flush Tea', 'tea'],
  ['Cast Iron Teapot 0.8 l', 'teaware'],
  ['Jasmine Pearl Green Tea', 'tea'],
  ['Earl Grey Blue Flower Tea', 'tea'],
  ['Porcelain Tea Cup Set', 'teaware'],
  ['Sencha Uji Green Tea', 'tea'],
  ['Tea Tasting Gift Box', 'gifts'],
  ['Rooibos Vanilla Herbal Tea', 'tea'],
  ['Bamboo Tea Whisk', 'teaware'],
];

/**
 * A fixed, deterministic catalogue (no database in the demo): ten products, about 1.5 KB of
 * JSON, the size of a typical API answer. Used by the benchmark's headline traffic.
 */
@Injectable()
export class CatalogService {
  private readonly products: readonly Product[] = PRODUCTS.map(([name, category], i) => ({
    id: i + 1,
    sku: `TEA-${String(1001 + i * 7)}`,
    name,
    category,
    priceCents: 450 + ((i * 1337) % 4200),
    inStock: i % 5 !== 4,
    rating: Math.round((3.5 + ((i * 7) % 15) / 10) * 10) / 10,
    tags: i % 2 ? ['organic', 'bestseller'] : ['new'],
  }));

  /** Every product, in catalogue order. */
  list(): Product[] {
    return [...this.products];
  }

  /**
   * Products whose name, category or tags contain `query` (case-insensitive), at most `limit`
   * (default DEFAULT_SEARCH_LIMIT), with the number of matches before the limit.
   */
  search({ query, limit = DEFAULT_SEARCH_LIMIT }: SearchCatalogDto): { query: string; total: number; data: Product[] } {
    const needle = query.trim().toLowerCase();
    const matching = this.products.filter(
      (p) => p.name.toLowerCase().includes(needle) || p.category.includes(needle) || p.tags.some((t) => t.includes(needle)),
    );
    return { query, total: matching.length, data: matching.slice(0, limit) };
  }
}
