import { DEFAULT_FAMILY_ORDER, FAMILY_ORDERS, FAMILY_ORDER_LABELS, familyQuery, orderParam, readFamilyOrder } from './family-order.model';

describe('families order', () => {
  it('offers every order the API takes, labelled', () => {
    expect(FAMILY_ORDERS).toEqual(['count', 'total', 'avg', 'max', 'p95', 'lastSeen']);
    expect(FAMILY_ORDERS.every((order) => FAMILY_ORDER_LABELS[order])).toBe(true);
  });

  it('reads the orderBy parameter, falling back to the server default', () => {
    expect(readFamilyOrder('p95')).toBe('p95');
    expect(readFamilyOrder('constructor')).toBe(DEFAULT_FAMILY_ORDER);
    expect(readFamilyOrder(undefined)).toBe('lastSeen');
  });

  it('keeps the default out of the URL and always sends the order to the API', () => {
    expect(orderParam('lastSeen')).toBeNull();
    expect(orderParam('count')).toBe('count');
    expect(familyQuery('cache-op', 'avg')).toEqual({ type: 'cache-op', orderBy: 'avg' });
  });
});
