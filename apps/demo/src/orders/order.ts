/** Lifecycle states of a demo order. */
export const ORDER_STATUSES = ['pending', 'paid', 'shipped'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A demo order (fixed data set generated at boot). */
export interface Order {
  id: number;
  customer: string;
  status: OrderStatus;
  totalCents: number;
}
