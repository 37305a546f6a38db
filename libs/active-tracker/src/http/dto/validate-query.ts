import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ApiError } from '../api-error.js';

/**
 * Validates a query object against a DTO class; unknown parameters are rejected, and repeated ones
 * unless listed in `repeatable`.
 */
export function validateQuery<T extends object>(dto: new () => T, query: Record<string, unknown>, repeatable: readonly string[] = []): T {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value) && !repeatable.includes(key)) problems.push(`${key} must be given once`);
  }
  if (problems.length) throw new ApiError(400, problems);
  const instance = plainToInstance(dto, query, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false } });
  for (const error of errors) problems.push(...Object.values(error.constraints ?? { invalid: `${error.property} is invalid` }));
  if (problems.length) throw new ApiError(400, problems);
  return instance;
}

/** Validates a JSON body against a DTO class (unknown properties rejected); 400 with every problem. */
export function validateBody<T extends object>(dto: new () => T, body: unknown): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'the body must be a JSON object');
  const instance = plainToInstance(dto, body as Record<string, unknown>, { enableImplicitConversion: false });
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false } });
  const problems = errors.flatMap((error) => Object.values(error.constraints ?? { invalid: `${error.property} is invalid` }));
  if (problems.length) throw new ApiError(400, problems);
  return instance;
}
