import { Routes } from '@angular/router';

/** `/events` (list) and `/events/:id` (detail). */
export default [
  { path: '', title: 'Events', loadComponent: () => import('./event-list.page').then((m) => m.EventListPage) },
  { path: ':id', title: 'Event', loadComponent: () => import('./event-detail.page').then((m) => m.EventDetailPage) },
] satisfies Routes;
