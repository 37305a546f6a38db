import { provideHttpClient, withFetch } from '@angular/common/http';
import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding, withRouterConfig } from '@angular/router';
import { routes } from './app.routes';
import { PageTitleStrategy } from './core/layout/page-title.strategy';

/**
 * Zoneless (signals drive change detection, no zone.js), HTTP over fetch, path-location routing
 * (the server answers index.html for any dashboard path, so deep links work). Route and query
 * parameters bind to component inputs; child routes see their parents' parameters.
 */
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideHttpClient(withFetch()),
    provideRouter(routes, withComponentInputBinding(), withRouterConfig({ paramsInheritanceStrategy: 'always' })),
    { provide: TitleStrategy, useClass: PageTitleStrategy },
  ],
};
