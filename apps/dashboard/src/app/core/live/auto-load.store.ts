import { Injectable, signal } from '@angular/core';
import { readStorage, writeStorage } from '../settings/local-storage.util';

const AUTO_LOAD_KEY = 'active-tracker:auto-load';

/**
 * Whether lists load new entries as they arrive (on) or show the "N new entries — show" banner
 * (off, the default). One setting for every list, remembered.
 */
@Injectable({ providedIn: 'root' })
export class AutoLoadStore {
  private readonly state = signal(readStorage(AUTO_LOAD_KEY) === 'on');
  readonly on = this.state.asReadonly();

  set(on: boolean): void {
    this.state.set(on);
    writeStorage(AUTO_LOAD_KEY, on ? 'on' : null);
  }
}
