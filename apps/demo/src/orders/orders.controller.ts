import { Controller, Get, Query } from '@nestjs/common';
import { tagCurrent } from '@active-tracker/nestjs';
import { ListOrdersQuery } from './list-orders.query.js';
import type { Order } from './order.js';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  list(@Query() query: ListOrdersQuery): { data: Order[]; total: number } {
    // A business tag: the dashboard filters requests by it (a no-op without the tracker).
    tagCurrent({ order_status: query.status ?? 'any' });
    return this.orders.list(query);
  }
}
