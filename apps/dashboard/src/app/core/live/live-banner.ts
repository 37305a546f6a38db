import { DestroyRef, Signal, computed, inject, linkedSignal } from '@angular/core';
import type { Entry } from '@active-tracker/nestjs/contracts';
import { AutoLoadStore } from './auto-load.store';
import { LiveListState, bannerText, entriesMissed, entryArrived, liveListState } from './live-list.state';
import { LiveStream } from './live-stream.service';

/** Auto-load reloads at most this often, in ms (a burst of entries is one reload). */
const AUTO_LOAD_THROTTLE_MS = 1_500;

/** The "N new entries — show" banner of a list, and what "show" does. */
export interface LiveBanner {
  /** The banner's text, or null when nothing new arrived since `page` was loaded. */
  readonly text: Signal<string | null>;
  /** Reloads the list (the banner goes when the new page arrives). */
  show(): void;
}

/**
 * Counts the live entries that `matches` lets through since `page` last changed (each fetch is a
 * new object), for lists whose rows are not entries (families): every matching arrival is new.
 * With auto-load on, reloads instead (throttled). Must be called in an injection context.
 */
export function liveBanner(options: { page: Signal<unknown>; matches: (entry: Entry) => boolean; reload: () => void }): LiveBanner {
  const autoLoad = inject(AutoLoadStore);
  const state = linkedSignal<unknown, LiveListState>({ source: options.page, computation: () => liveListState(null) });
  let lastLoad = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (): void => {
    lastLoad = Date.now();
    options.reload();
  };
  const unsubscribe = inject(LiveStream).subscribe((event) => {
    if (event.kind === 'reset') state.update(entriesMissed);
    else if (options.matches(event.entry)) state.update((s) => entryArrived(s, event.entry.id));
    else return;
    if (autoLoad.on() && timer === undefined) {
      timer = setTimeout(
        () => {
          timer = undefined;
          show();
        },
        Math.max(0, lastLoad + AUTO_LOAD_THROTTLE_MS - Date.now()),
      );
    }
  });
  inject(DestroyRef).onDestroy(() => {
    unsubscribe();
    clearTimeout(timer);
  });
  return { text: computed(() => bannerText(state())), show };
}
