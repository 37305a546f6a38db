import { Resource } from '@angular/core';

/**
 * The resource's value, or `undefined` while loading or after an error (reading `value()` of a
 * resource in error state throws, so views go through this).
 */
export function valueOf<T>(resource: Resource<T>): T | undefined {
  return resource.hasValue() ? resource.value() : undefined;
}
