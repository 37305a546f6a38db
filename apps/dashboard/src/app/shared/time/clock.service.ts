import { DestroyRef, Injectable, inject, signal } from '@angular/core';

/** Ticks every 30 s so that relative times ("3m ago") stay true without re-rendering constantly. */
@Injectable({ providedIn: 'root' })
export class Clock {
  private readonly nowSignal = signal(Date.now());

  /** Current time in ms, refreshed on each tick. */
  readonly now = this.nowSignal.asReadonly();

  constructor() {
    const timer = setInterval(() => this.nowSignal.set(Date.now()), 30_000);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }
}
