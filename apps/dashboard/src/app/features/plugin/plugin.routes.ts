import { Routes } from '@angular/router';

/**
 * Pages of plugins without a feature of their own: `/<plugin path>` and `/<plugin path>/:id`,
 * drawn from the plugin's view metadata (`api/meta`), or generic when it has none.
 */
export default [
  { path: '', title: 'Entries', loadComponent: () => import('./plugin-list.page').then((m) => m.PluginListPage) },
  { path: ':id', title: 'Entry', loadComponent: () => import('./plugin-detail.page').then((m) => m.PluginDetailPage) },
] satisfies Routes;
