import { httpResource } from '@angular/common/http';
import { DestroyRef, Injectable, computed, inject } from '@angular/core';
import { ApiClient, errorMessage } from './api.client';
import type { Entry, StatisticRow } from '@active-tracker/nestjs/contracts';
import { LiveStream } from '../live/live-stream.service';
import { PluginInfo, parseMeta, parseStats } from './meta.parsers';
import { valueOf } from './resource.util';

/** How often the sidebar statistics refresh when the live stream is down, in ms. */
const STATS_REFRESH_MS = 15_000;
/** Live refreshes of the statistics are at most this often, in ms (a burst of entries is one refresh). */
const STATS_THROTTLE_MS = 2_000;

/**
 * What the tracker says about itself (`api/meta`: version, page size, enabled plugins) and the
 * sidebar statistics (`api/stats`, refreshed periodically). Shared by the shell and the pages.
 */
@Injectable({ providedIn: 'root' })
export class MetaStore {
  private readonly api = inject(ApiClient);
  private readonly metaResource = httpResource(() => this.api.request('meta'), { parse: parseMeta });
  private readonly statsResource = httpResource(() => this.api.request('stats'), { parse: parseStats });

  /** The meta document, once loaded. */
  readonly meta = computed(() => valueOf(this.metaResource)?.data);
  /** Enabled plugins, in the server's order. */
  readonly plugins = computed<PluginInfo[]>(() => this.meta()?.plugins ?? []);
  /** Page size configured on the server (50 until meta arrives). */
  readonly perPage = computed(() => this.meta()?.perPage ?? 50);
  /** Why meta could not be loaded, if it could not. */
  readonly error = computed(() => (this.metaResource.error() ? errorMessage(this.metaResource.error()) : null));
  /** Statistics grouped by plugin name. */
  readonly statsByPlugin = computed(() => {
    const byPlugin = new Map<string, StatisticRow[]>();
    for (const stat of valueOf(this.statsResource)?.data ?? []) {
      byPlugin.set(stat.plugin, [...(byPlugin.get(stat.plugin) ?? []), stat]);
    }
    return byPlugin;
  });

  private readonly live = inject(LiveStream);
  private lastRefresh = 0;
  private pendingRefresh: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    // Live: new entries refresh the statistics, throttled. Without the stream, poll, and only while
    // someone looks: a background tab should not keep hitting the host app.
    const unsubscribe = this.live.subscribe(() => this.refreshSoon());
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && !this.live.connected()) this.refreshStats();
    }, STATS_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => {
      unsubscribe();
      clearInterval(timer);
      clearTimeout(this.pendingRefresh);
    });
  }

  /** Refreshes now, or once at the end of the throttle window when one just ran. */
  private refreshSoon(): void {
    if (this.pendingRefresh !== undefined) return;
    const wait = Math.max(0, this.lastRefresh + STATS_THROTTLE_MS - Date.now());
    this.pendingRefresh = setTimeout(() => {
      this.pendingRefresh = undefined;
      this.refreshStats();
    }, wait);
  }

  /** Refetches the statistics now (e.g. after the user acted). */
  refreshStats(): void {
    this.lastRefresh = Date.now();
    this.statsResource.reload();
  }

  /** The plugin that records entries of `type`, if it is enabled. */
  pluginForType(type: string): PluginInfo | undefined {
    return this.plugins().find((plugin) => plugin.entryType === type);
  }

  /** The plugin whose dashboard route is `path`, if it is enabled. */
  pluginForPath(path: string): PluginInfo | undefined {
    return this.plugins().find((plugin) => plugin.path === path);
  }

  /** Router link to an entry's detail page: its plugin's route, or the generic `entries/:id`. */
  linkTo(entry: Pick<Entry, 'id' | 'type'>): string[] {
    return ['/', routeForType(entry.type, this.pluginForType(entry.type)?.path), entry.id];
  }
}

/** Types with a dedicated page, whatever path meta gives (pages exist before meta has loaded). */
const BUILT_IN_ROUTES: Record<string, string> = {
  request: 'requests',
  exception: 'exceptions',
  log: 'logs',
  event: 'events',
  'http-client': 'http-client',
};

/** The route segment showing entries of `type`. */
export function routeForType(type: string, pluginPath?: string): string {
  return BUILT_IN_ROUTES[type] ?? pluginPath ?? 'entries';
}
