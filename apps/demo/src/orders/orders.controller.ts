import { Controller, Get, Query } from '@nestjs/common';
import { ListOrdersQuery } from './list-orders.query.js';
import type { Order } from './order.js';
import { OrdersService } from './orders.service.js';

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  list(@Query() query: ListOrdersQuery): { data: Order[]; total: number } {
    return this.orders.list(query);
  }
}
