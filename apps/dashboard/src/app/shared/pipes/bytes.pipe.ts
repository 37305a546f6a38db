import { Pipe, PipeTransform } from '@angular/core';
import { formatBytes } from '../format/bytes.format';

/** Byte counts as `512 B`, `1.4 KB`; signed when asked (see formatBytes). */
@Pipe({ name: 'bytes' })
export class BytesPipe implements PipeTransform {
  transform(bytes: number | null | undefined, signed = false): string {
    return formatBytes(bytes, signed);
  }
}
