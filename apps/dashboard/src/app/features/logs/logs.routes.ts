import { Routes } from '@angular/router';

/** `/logs` (list) and `/logs/:id` (detail). */
export default [
  { path: '', title: 'Logs', loadComponent: () => import('./log-list.page').then((m) => m.LogListPage) },
  { path: ':id', title: 'Log entry', loadComponent: () => import('./log-detail.page').then((m) => m.LogDetailPage) },
] satisfies Routes;
