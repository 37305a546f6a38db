import { Routes } from '@angular/router';

/** `/http-client` (outbound calls) and `/http-client/:id` (one call). */
export default [
  { path: '', title: 'Outbound HTTP', loadComponent: () => import('./http-call-list.page').then((m) => m.HttpCallListPage) },
  { path: ':id', title: 'Outbound call', loadComponent: () => import('./http-call-detail.page').then((m) => m.HttpCallDetailPage) },
] satisfies Routes;
