/** A product of the demo catalogue (fixed data set, see CatalogService). */
export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  /** Price in euro cents. */
  priceCents: number;
  inStock: boolean;
  rating: number;
  tags: string[];
}
