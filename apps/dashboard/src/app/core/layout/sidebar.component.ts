import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import type { StatisticRow } from '@active-tracker/nestjs/contracts';
import { PluginInfo } from '../api/meta.parsers';
import { MetaStore } from '../api/meta.store';
import { DEFAULT_NAV_ICON, NAV_ICONS } from './nav.icons';
import { pluginIconUrl } from './plugin-icon.util';

/** A nav item with its statistics split into the headline count and the other figures. */
interface NavItem {
  plugin: PluginInfo;
  /** The plugin's own SVG icon as a mask `url()`, when it sent a usable one. */
  iconUrl: string | null;
  /** Else the path data of a built-in icon. */
  icon: string;
  /** The stat labelled like the item itself ("Requests": 10), shown as a count beside the title. */
  headline: StatisticRow | undefined;
  /** Every other stat, shown under the title. */
  details: StatisticRow[];
}

/**
 * The left navigation: one item per enabled plugin (from `api/meta`) with its statistics, then the
 * statistics of parts without a page (e.g. storage health).
 */
@Component({
  selector: 'at-sidebar',
  imports: [RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './sidebar.component.html',
  styleUrl: './sidebar.component.css',
})
export class SidebarComponent {
  protected readonly meta = inject(MetaStore);

  protected readonly items = computed<NavItem[]>(() =>
    this.meta.plugins().map((plugin) => {
      const stats = this.meta.statsByPlugin().get(plugin.name) ?? [];
      const headline = stats.find((s) => s.label.toLowerCase() === plugin.title.toLowerCase());
      return {
        plugin,
        iconUrl: pluginIconUrl(plugin.icon),
        icon: Object.hasOwn(NAV_ICONS, plugin.entryType) ? NAV_ICONS[plugin.entryType] : DEFAULT_NAV_ICON,
        headline,
        details: stats.filter((s) => s !== headline),
      };
    }),
  );

  /** Statistics of plugins that have no dashboard page (storage, recorder, ...). */
  protected readonly system = computed(() => {
    const listed = new Set(this.meta.plugins().map((p) => p.name));
    return [...this.meta.statsByPlugin().entries()].filter(([plugin]) => !listed.has(plugin)).map(([plugin, stats]) => ({ plugin, stats }));
  });

  protected format(value: number | string): string {
    return typeof value === 'number' ? value.toLocaleString('en-US') : value;
  }
}
