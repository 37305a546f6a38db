import { Routes } from '@angular/router';

/** `/queries` (families, `?sort=`) and `/queries/families/:hash` (one family). */
export default [
  { path: '', title: 'Queries', loadComponent: () => import('./query-family-list.page').then((m) => m.QueryFamilyListPage) },
  { path: 'families/:hash', title: 'Query family', loadComponent: () => import('./query-family.page').then((m) => m.QueryFamilyPage) },
] satisfies Routes;
