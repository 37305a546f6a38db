import { displayPath, isAppFile, parseStack } from '../../plugin-api.js';

/** Where a query was issued: the first application frame (`file:line`) and the ORM it went through. */
export interface QueryOrigin {
  location: string | null;
  orm: string | null;
}

/** Frames looked at: ORMs stack deep (async frames count too). */
const MAX_FRAMES = 30;
/** Frames of the first, cheaper look (a driver called from app code directly, or through a thin helper). */
const NEAR_FRAMES = 12;
/** Packages recognised as the ORM (or query builder) a query went through. */
const ORM_PATH = /[\\/]node_modules[\\/](typeorm|knex|sequelize|drizzle-orm|@mikro-orm[\\/][^\\/]+|@prisma[\\/][^\\/]+|kysely|objection)[\\/]/;
/** Package (or scope) → the ORM's name in `content.orm`. */
const ORM_NAMES: Readonly<Record<string, string>> = { 'drizzle-orm': 'drizzle', '@mikro-orm': 'mikro-orm', '@prisma': 'prisma' };
export const NO_ORIGIN: QueryOrigin = Object.freeze({ location: null, orm: null }) as QueryOrigin;

const appFiles = new Map<string, boolean>();
const orms = new Map<string, string | null>();
const locations = new Map<string, string>();

/**
 * The origin of the call being made now, from V8's structured call sites: no stack text is
 * formatted per query, only once per new call site (then cached). App files are told apart by the
 * same rule as exception locations (entries/stack-frames.ts); the outermost ORM frame names the ORM.
 */
export function captureQueryOrigin(): QueryOrigin {
  // Most app frames are near the top: a short capture first, the long one only when it is not there.
  const near = callSites(NEAR_FRAMES);
  if (!near) return NO_ORIGIN;
  const found = originIn(near);
  if (found.location !== null || near.length < NEAR_FRAMES) return found;
  const all = callSites(MAX_FRAMES);
  return all ? originIn(all) : found;
}

/** The first app frame of `sites` (and the outermost ORM before it). */
function originIn(sites: NodeJS.CallSite[]): QueryOrigin {
  let orm: string | null = null;
  for (let i = 0; i < sites.length; i++) {
    const site = sites[i];
    const file = site.getFileName?.() ?? null;
    if (!file) continue;
    // The outermost ORM frame names it (MikroORM calls knex, which calls the driver).
    const frameOrm = ormOf(file);
    if (frameOrm !== null) orm = frameOrm;
    if (!isApp(file)) continue;
    return { location: locate(site, file, i), orm };
  }
  return orm === null ? NO_ORIGIN : { location: null, orm };
}

function callSites(frames: number): NodeJS.CallSite[] | null {
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  const holder: { stack?: unknown } = {};
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = frames;
    Error.captureStackTrace(holder, captureQueryOrigin);
    // Read while our formatter is installed: the stack is formatted on first access.
    const sites = holder.stack;
    return Array.isArray(sites) ? (sites as NodeJS.CallSite[]) : null;
  } catch {
    return null;
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

function isApp(file: string): boolean {
  let app = appFiles.get(file);
  if (app === undefined) {
    app = isAppFile(file);
    if (appFiles.size >= 5000) appFiles.clear();
    appFiles.set(file, app);
  }
  return app;
}

function ormOf(file: string): string | null {
  let orm = orms.get(file);
  if (orm === undefined) {
    const m = ORM_PATH.exec(file);
    orm = m ? (ORM_NAMES[m[1].split(/[\\/]/)[0]] ?? m[1]) : null;
    if (orms.size >= 5000) orms.clear();
    orms.set(file, orm);
  }
  return orm;
}

/**
 * `file:line` of the call site at `index`, cached per position. On a miss the stack is formatted
 * once the way the process formats stacks (Node's --enable-source-maps, source-map-support, Jest),
 * so the location reads like the app's own stack traces (TypeScript lines, not compiled ones).
 */
function locate(site: NodeJS.CallSite, file: string, index: number): string {
  const key = `${file}:${site.getLineNumber?.() ?? 0}:${site.getColumnNumber?.() ?? 0}`;
  let location = locations.get(key);
  if (location === undefined) {
    const frame = formattedFrames()[index];
    location = frame?.file && frame.line !== null ? `${displayPath(frame.file)}:${frame.line}` : `${displayPath(file)}:${site.getLineNumber?.() ?? 0}`;
    if (locations.size >= 5000) locations.clear();
    locations.set(key, location);
  }
  return location;
}

/** The same frames as `callSites()`, formatted and parsed (called from captureQueryOrigin, at the same depth). */
function formattedFrames(): ReturnType<typeof parseStack> {
  const limit = Error.stackTraceLimit;
  const holder: { stack?: string } = {};
  try {
    Error.stackTraceLimit = MAX_FRAMES;
    Error.captureStackTrace(holder, captureQueryOrigin);
    return parseStack(holder.stack);
  } catch {
    return [];
  } finally {
    Error.stackTraceLimit = limit;
  }
}
