import { Injectable } from '@nestjs/common';
import { ListOrdersQuery } from './list-orders.query.js';
import { ORDER_STATUSES, type Order } from './order.js';

const CUSTOMERS = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Katherine Johnson'];

/** A fixed, deterministic catalogue of orders (no database in the demo). */
@Injectable()
export class OrdersService {
  private readonly orders: Order[] = Array.from({ length: 42 }, (_, i) => ({
    id: i + 1,
    customer: CUSTOMERS[i % CUSTOMERS.length],
    status: ORDER_STATUSES[i % ORDER_STATUSES.length],
    totalCents: 1000 + ((i * 737) % 9000),
  }));

  list({ status, limit = 20, offset = 0 }: ListOrdersQuery): { data: Order[]; total: number } {
    const matching = status ? this.orders.filter((o) => o.status === status) : this.orders;
    return { data: matching.slice(offset, offset + limit), total: matching.length };
  }
}
