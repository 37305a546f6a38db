import { Routes } from '@angular/router';

/** `/exceptions` (families, or all occurrences with `?view=all`) and `/exceptions/:id` (one occurrence). */
export default [
  {
    path: '',
    title: 'Exceptions',
    loadComponent: () => import('./exception-family-list.page').then((m) => m.ExceptionFamilyListPage),
  },
  {
    path: ':id',
    title: 'Exception',
    loadComponent: () => import('./exception-detail.page').then((m) => m.ExceptionDetailPage),
  },
] satisfies Routes;
