import { Routes } from '@angular/router';

/**
 * Generic pages for entry types without their own feature: `/<plugin path>` lists a plugin's
 * entries, `/<plugin path>/:id` and `/entries/:id` show any entry.
 */
export default [
  { path: '', title: 'Entries', loadComponent: () => import('./entry-list.page').then((m) => m.EntryListPage) },
  { path: ':id', title: 'Entry', loadComponent: () => import('./entry-detail.page').then((m) => m.EntryDetailPage) },
] satisfies Routes;
