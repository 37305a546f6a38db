import { Routes } from '@angular/router';

/**
 * Top-level routes: the overview (home), one lazily loaded feature per built-in entry type, every entry (`/entries`),
 * then the pages of other plugins (`/<plugin path>` and `/<plugin path>/<id>`, drawn from their
 * view metadata), then not-found.
 */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'overview' },
  { path: 'overview', loadChildren: () => import('./features/overview/overview.routes') },
  { path: 'requests', loadChildren: () => import('./features/requests/requests.routes') },
  { path: 'exceptions', loadChildren: () => import('./features/exceptions/exceptions.routes') },
  { path: 'logs', loadChildren: () => import('./features/logs/logs.routes') },
  { path: 'events', loadChildren: () => import('./features/events/events.routes') },
  { path: 'http-client', loadChildren: () => import('./features/http-client/http-client.routes') },
  { path: 'queries', loadChildren: () => import('./features/queries/queries.routes') },
  { path: 'llm', loadChildren: () => import('./features/llm/llm.routes') },
  { path: 'entries', loadChildren: () => import('./features/entries/entries.routes') },
  { path: ':section', loadChildren: () => import('./features/plugin/plugin.routes') },
  { path: '**', title: 'Not found', loadComponent: () => import('./core/layout/not-found.page').then((m) => m.NotFoundPage) },
];
