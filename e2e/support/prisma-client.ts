import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SCHEMA = join(import.meta.dirname, 'prisma/schema.prisma');
const PRISMA_CLI = join(import.meta.dirname, '../../node_modules/prisma/build/index.js');

/** The part of the generated client the matrix uses. */
export interface GeneratedPrismaClient {
  author: {
    create(args: { data: { name: string } }): Promise<{ id: number; name: string }>;
    findMany(args: { where: { name: string } }): Promise<{ id: number; name: string }[]>;
  };
  $disconnect(): Promise<void>;
}
type PrismaClientClass = new (options: { adapter: unknown }) => GeneratedPrismaClient;

let generated: Promise<void> | null = null;

/**
 * Runs `prisma generate` for e2e/support/prisma/schema.prisma (once per process), so the test never
 * depends on a client generated earlier. `PRISMA_SCHEMA_ENGINE_BINARY` points at any executable:
 * the CLI otherwise tries to download its schema engine, which `generate` does not need.
 */
export function generatePrismaClient(): Promise<void> {
  generated ??= promisify(execFile)(process.execPath, [PRISMA_CLI, 'generate', `--schema=${SCHEMA}`], {
    cwd: join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
    timeout: 120_000,
  }).then(
    () => undefined,
    (error: Error & { stderr?: string; stdout?: string }) => {
      throw new Error(`prisma generate failed: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    },
  );
  return generated;
}

/** Generates the client, then imports it. */
export async function loadPrismaClient(): Promise<{ PrismaClient: PrismaClientClass }> {
  await generatePrismaClient();
  // A computed specifier: the generated files do not exist until the test has run once.
  const specifier = './prisma/generated/client.js';
  return (await import(specifier)) as { PrismaClient: PrismaClientClass };
}
