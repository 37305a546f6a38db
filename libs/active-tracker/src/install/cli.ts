import { resolve } from 'node:path';
import { runInit } from './init.js';
import { InstallError } from './text-edits.js';

export const USAGE = `Usage: npx @active-tracker/nestjs init [options]

Adds ActiveTracker to a Nest app: ActiveTrackerModule.forRoot({...}) in the root module's imports
(every option listed, commented), REDIS_URL and ACTIVE_TRACKER_AUTH in .env.example, and prints
where the dashboard is. Running it again changes nothing.

Options:
  --dir <path>      the app's folder (default: the current folder)
  --module <path>   the root module's file, relative to --dir (default: the module that
                    main.ts passes to NestFactory.create, else src/app.module.ts)
  --dry-run         print what would change, write nothing
  -h, --help        this help`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  cwd: string;
  env: Record<string, string | undefined>;
}

interface ParsedArgs {
  command?: string;
  dir?: string;
  module?: string;
  dryRun: boolean;
  help: boolean;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: ParsedArgs = { dryRun: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '' || (inline === undefined && v.startsWith('-'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--dir':
        args.dir = value();
        break;
      case '--module':
        args.module = value();
        break;
      default:
        if (flag.startsWith('-')) throw new UsageError(`unknown option ${flag}`);
        if (args.command !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
        args.command = arg;
    }
  }
  return args;
}

class UsageError extends Error {}

/** The `active-tracker` command. Returns the exit code: 0 done (or nothing to do), 1 failed, 2 bad usage. */
export function main(argv: readonly string[], io: Partial<CliIo> = {}): number {
  const out = io.out ?? ((line: string) => console.log(line));
  const err = io.err ?? ((line: string) => console.error(line));
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    err(`active-tracker: ${(error as Error).message}`);
    err(USAGE);
    return 2;
  }
  if (args.help || args.command === undefined) {
    (args.help ? out : err)(USAGE);
    return args.help ? 0 : 2;
  }
  if (args.command !== 'init') {
    err(`active-tracker: unknown command "${args.command}" (the only command is init)`);
    err(USAGE);
    return 2;
  }
  try {
    runInit({ dir: resolve(io.cwd ?? process.cwd(), args.dir ?? '.'), module: args.module, dryRun: args.dryRun, log: out, env: io.env ?? process.env });
    return 0;
  } catch (error) {
    if (error instanceof InstallError) {
      err(`active-tracker init: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
