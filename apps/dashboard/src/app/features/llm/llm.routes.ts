import { Routes } from '@angular/router';

/** `/llm` (interactions, KPIs, cost per day; filters in the URL) and `/llm/:id` (one interaction). */
export default [
  { path: '', title: 'LLM', loadComponent: () => import('./llm-list.page').then((m) => m.LlmListPage) },
  { path: ':id', title: 'LLM interaction', loadComponent: () => import('./llm-detail.page').then((m) => m.LlmDetailPage) },
] satisfies Routes;
