import { Routes } from '@angular/router';

/** `/overview`: the home page (request rate, p95, error rate, slowest routes, plugins' tiles). */
export default [{ path: '', title: 'Overview', loadComponent: () => import('./overview.page').then((m) => m.OverviewPage) }] satisfies Routes;
