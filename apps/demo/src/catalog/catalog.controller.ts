import { Body, Controller, Get, HttpCode, Logger, Post } from '@nestjs/common';
import type { Product } from './product.js';
import { CatalogService } from './catalog.service.js';
import { SearchCatalogDto } from './search-catalog.dto.js';

/**
 * A product catalogue: JSON answers of about 1.5 KB and one log line per request, the shape of a
 * typical API call (the benchmark's headline traffic alternates these two routes).
 */
@Controller('catalog')
export class CatalogController {
  private readonly logger = new Logger(CatalogController.name);

  constructor(private readonly catalog: CatalogService) {}

  @Get()
  list(): Product[] {
    const products = this.catalog.list();
    this.logger.log(`Listed ${products.length} products`);
    return products;
  }

  @Post('search')
  @HttpCode(200)
  search(@Body() dto: SearchCatalogDto): { query: string; total: number; data: Product[] } {
    const result = this.catalog.search(dto);
    this.logger.log(`Search "${dto.query}" matched ${result.total} products`);
    return result;
  }
}
