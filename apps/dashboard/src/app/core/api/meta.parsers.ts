import type { MetaResponse, PluginMeta, StatisticRow, StatsResponse } from '@active-tracker/nestjs/contracts';
import { ApiShapeError, Guard, arrayOf, at, bool, either, num, nullable, object, optional, parser, str } from './json.guard.js';
import { pluginView } from './view.guards.js';

/** Parsers of `GET meta` and `GET stats`, what the shell reads at start (see api.parsers.ts). */

/** A plugin as the dashboard uses it: `viewProblem` says why its view metadata was not usable. */
export interface PluginInfo extends PluginMeta {
  viewProblem?: string;
}

const statisticRow = object<StatisticRow>({
  plugin: str,
  label: str,
  value: either(num, str, 'a number or a string'),
  error: optional(bool),
});

export const parseStats = parser(object<StatsResponse>({ data: arrayOf(statisticRow) }));

/**
 * A plugin's view metadata is checked on its own: the server validates it at boot, but not every
 * detail of it, and one plugin's mistake must not take the whole navigation down. A rejected view
 * leaves the plugin on the generic pages, with the reason shown there.
 */
const view: Guard<PluginMeta['view']> = (v, p) => (v === null ? null : pluginView(v, p));
const pluginMeta: Guard<PluginInfo> = (v, p) => {
  const plugin = object<PluginMeta>({
    name: str,
    entryType: str,
    title: str,
    path: str,
    icon: nullable(str),
    view: (v) => v as PluginMeta['view'], // checked below, on its own
    routes: arrayOf(object({ method: str, path: str })),
  })(v, p);
  try {
    return { ...plugin, view: view(plugin.view, at(p, 'view')) };
  } catch (error) {
    if (!(error instanceof ApiShapeError)) throw error;
    return { ...plugin, view: null, viewProblem: `${error.path} ${error.problem}` };
  }
};

/** `GET meta`'s data, plugins as PluginInfo. */
export type MetaInfo = Omit<MetaResponse['data'], 'plugins'> & { plugins: PluginInfo[] };

export const parseMeta = parser(
  object<{ data: MetaInfo }>({
    data: object<MetaInfo>({
      version: str,
      perPage: num,
      plugins: arrayOf(pluginMeta),
      live: object<MetaInfo['live']>({ heartbeatMs: num }),
    }),
  }),
);
