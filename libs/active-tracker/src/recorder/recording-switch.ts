import type { RecordingStatus } from '../contracts/api.js';
import type { EntryRepository } from '../storage/entry-repository.js';

/** Name of the setting that holds the switch in the store. */
export const RECORDING_SETTING = 'recording';

/**
 * Whether capture runs (the dashboard's pause/resume). The state lives in the store, so every
 * instance sharing the Redis follows it: the instance that changes it at once, the others when
 * they next read it (every `refreshMs`, on an unref'd timer, off the request path). The capture
 * path only reads `on`, a boolean. A store without settings keeps it per instance.
 */
export class RecordingSwitch {
  /** Read on the capture path: false while paused. */
  on = true;
  private state: RecordingStatus = { recording: true, changedAt: null, changedBy: null };
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;

  constructor(
    private readonly repository: EntryRepository,
    private readonly refreshMs: number,
    private readonly onChange: (recording: boolean) => void = () => undefined,
  ) {}

  /**
   * Reads the stored state now (boot waits for it at most `bootWaitMs`: a hung Redis never holds
   * the app) and then every `refreshMs`, one read at a time.
   */
  async start(bootWaitMs = 1000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.poll(), new Promise<void>((resolve) => (timer = setTimeout(resolve, bootWaitMs)))]);
    clearTimeout(timer);
    this.timer ??= setInterval(() => void this.poll(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The state as stored now (rejects when the store cannot be read). */
  async status(): Promise<RecordingStatus> {
    await this.refresh();
    return { ...this.state };
  }

  /** Pauses (false) or resumes (true) capture on every instance sharing the store. */
  async set(recording: boolean, actor: string | null): Promise<RecordingStatus> {
    const state: RecordingStatus = { recording, changedAt: new Date().toISOString(), changedBy: actor };
    await this.repository.writeSetting?.(RECORDING_SETTING, JSON.stringify(state));
    this.apply(state);
    return { ...state };
  }

  /** A background read: skipped while the previous one is still pending, never rejects. */
  private poll(): Promise<void> {
    this.polling ??= this.refresh()
      .catch(() => undefined)
      .finally(() => (this.polling = null));
    return this.polling;
  }

  private async refresh(): Promise<void> {
    if (!this.repository.readSetting) return;
    const raw = await this.repository.readSetting(RECORDING_SETTING);
    const state = raw === null ? null : parseState(raw);
    if (state) this.apply(state);
  }

  private apply(state: RecordingStatus): void {
    this.state = state;
    if (this.on === state.recording) return;
    this.on = state.recording;
    this.onChange(state.recording);
  }
}

/** A stored state, or null when it is not one (another version wrote it, or it was damaged). */
function parseState(raw: string): RecordingStatus | null {
  try {
    const value = JSON.parse(raw) as Partial<RecordingStatus> | null;
    if (!value || typeof value.recording !== 'boolean') return null;
    return {
      recording: value.recording,
      changedAt: typeof value.changedAt === 'string' ? value.changedAt : null,
      changedBy: typeof value.changedBy === 'string' ? value.changedBy : null,
    };
  } catch {
    return null;
  }
}
