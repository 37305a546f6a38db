import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { PluginStat } from '../api/api.models';
import { MetaStore } from '../api/meta.store';
import { DEFAULT_NAV_ICON, NAV_ICONS } from './nav-icons';

/** The left navigation: one item per enabled plugin (from `api/meta`) with its statistics. */
@Component({
  selector: 'at-sidebar',
  imports: [RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './sidebar.component.html',
  styleUrl: './sidebar.component.css',
})
export class SidebarComponent {
  protected readonly meta = inject(MetaStore);

  protected icon(entryType: string): string {
    return NAV_ICONS[entryType] ?? DEFAULT_NAV_ICON;
  }

  protected stats(plugin: string): PluginStat[] {
    return this.meta.statsByPlugin().get(plugin) ?? [];
  }

  protected format(value: number | string): string {
    return typeof value === 'number' ? value.toLocaleString('en-US') : value;
  }
}
