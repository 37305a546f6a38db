import { Routes } from '@angular/router';

/** `/requests` (list) and `/requests/:id` (detail). */
export default [
  { path: '', title: 'Requests', loadComponent: () => import('./request-list.page').then((m) => m.RequestListPage) },
  { path: ':id', title: 'Request', loadComponent: () => import('./request-detail.page').then((m) => m.RequestDetailPage) },
] satisfies Routes;
