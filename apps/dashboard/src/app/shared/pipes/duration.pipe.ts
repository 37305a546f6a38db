import { Pipe, PipeTransform } from '@angular/core';
import { formatDuration } from '../format/duration.format';

/** Human duration from milliseconds (see formatDuration). */
@Pipe({ name: 'duration' })
export class DurationPipe implements PipeTransform {
  transform(ms: number | null | undefined): string {
    return formatDuration(ms);
  }
}
