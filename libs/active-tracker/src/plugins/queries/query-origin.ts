import { callSiteFrame, captureCallSites, displayPath, isAppFile } from '../../plugin-api.js';

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
/** file → (line, column) → `file:line` as shown: one source-map lookup per call site, ever. */
const locations = new Map<string, Map<number, string>>();
let locationCount = 0;

/**
 * Stack depth (frames down to the first app frame, all frames when there is none) last needed by
 * an SQL text: one text nearly always comes from the same path (an ORM method, a repository), so
 * its next read takes no more frames than that. A hint only: a deeper site is read again in full.
 */
const depths = new Map<string, number>();
const MAX_HINTED_SQL = 4096;

/**
 * The origin of the call being made now, read for every query from V8's structured call sites:
 * no stack text is formatted, only positions compared; the source-mapped `file:line` of a position
 * is worked out once (`callSiteFrame`) and cached. The read costs about a third of a µs per frame
 * taken, so it takes as many as `sql` needed last time. App files are told apart by the same
 * rule as exception locations (entries/stack-frames.ts); the outermost ORM frame names the ORM.
 */
export function captureQueryOrigin(sql?: string): QueryOrigin {
  const hinted = sql !== undefined && sql.length <= MAX_HINTED_SQL;
  const limit = (hinted && depths.get(sql)) || NEAR_FRAMES;
  let sites = captureCallSites(captureQueryOrigin, limit);
  if (!sites) return NO_ORIGIN;
  let at = firstAppSite(sites);
  // Not within the frames taken, and the stack goes on: take them all.
  if (at < 0 && sites.length >= limit && limit < MAX_FRAMES) {
    sites = captureCallSites(captureQueryOrigin, MAX_FRAMES) ?? sites;
    at = firstAppSite(sites);
  }
  if (hinted) {
    const depth = at < 0 ? MAX_FRAMES : at + 1;
    if (depth > (depths.get(sql) ?? 0)) {
      if (depths.size >= 1000) depths.clear();
      depths.set(sql, depth);
    }
  }
  return originOf(sites, at);
}

/** Index of the first app frame of `sites`, -1 when none. */
function firstAppSite(sites: NodeJS.CallSite[]): number {
  for (let i = 0; i < sites.length; i++) {
    const file = sites[i].getFileName?.();
    if (file && isApp(file)) return i;
  }
  return -1;
}

/** The location of the app frame at `at`, and the ORM: its outermost frame before it (MikroORM calls knex, which calls the driver). */
function originOf(sites: NodeJS.CallSite[], at: number): QueryOrigin {
  let orm: string | null = null;
  const end = at < 0 ? sites.length : at;
  for (let i = 0; i < end; i++) {
    const file = sites[i].getFileName?.();
    const frameOrm = file ? ormOf(file) : null;
    if (frameOrm !== null) orm = frameOrm;
  }
  if (at < 0) return orm === null ? NO_ORIGIN : { location: null, orm };
  const site = sites[at];
  return { location: locate(site, site.getFileName?.() ?? '', at), orm };
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

/** `file:line` of the call site at `index`, as the app's stack traces show it (TypeScript lines when they do), cached per position. */
function locate(site: NodeJS.CallSite, file: string, index: number): string {
  // One number per position: columns stay below 2^24 but in pathological minified lines.
  const position = (site.getLineNumber?.() ?? 0) * 16777216 + (site.getColumnNumber?.() ?? 0);
  let inFile = locations.get(file);
  let location = inFile?.get(position);
  if (location !== undefined) return location;
  const frame = callSiteFrame(site, captureQueryOrigin, index);
  location = `${displayPath(frame.file ?? file)}:${frame.line ?? site.getLineNumber?.() ?? 0}`;
  if (locationCount >= 5000) {
    locations.clear();
    locationCount = 0;
    inFile = undefined;
  }
  if (!inFile) locations.set(file, (inFile = new Map()));
  inFile.set(position, location);
  locationCount++;
  return location;
}
