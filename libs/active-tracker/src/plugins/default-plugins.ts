import type { ActiveTrackerPlugin } from './plugin.js';
import { exceptions } from './exceptions/exceptions.plugin.js';
import { requests } from './requests/requests.plugin.js';

/** Plugins used when `plugins` is not given. */
export function defaultPlugins(): ActiveTrackerPlugin[] {
  return [requests(), exceptions()];
}
