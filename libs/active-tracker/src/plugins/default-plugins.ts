import type { ActiveTrackerPlugin } from './plugin.js';
import { events } from './events/events.plugin.js';
import { exceptions } from './exceptions/exceptions.plugin.js';
import { httpClient } from './http-client/http-client.plugin.js';
import { logs } from './logs/logs.plugin.js';
import { queries } from './queries/queries.plugin.js';
import { requests } from './requests/requests.plugin.js';

/** Plugins used when `plugins` is not given: requests, exceptions, logs, custom events, outbound HTTP and SQL queries. */
export function defaultPlugins(): ActiveTrackerPlugin[] {
  return [requests(), exceptions(), logs(), events(), httpClient(), queries()];
}
