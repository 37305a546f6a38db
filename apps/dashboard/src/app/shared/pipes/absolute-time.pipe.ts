import { Pipe, PipeTransform } from '@angular/core';
import { formatAbsoluteTime } from '../format/time.format';

/** Local date and time with milliseconds (see formatAbsoluteTime). */
@Pipe({ name: 'absoluteTime' })
export class AbsoluteTimePipe implements PipeTransform {
  transform(iso: string | null | undefined): string {
    return formatAbsoluteTime(iso);
  }
}
