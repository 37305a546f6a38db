import type { Type } from '@nestjs/common';
import { MetadataScanner, ModulesContainer, Reflector, type ModuleRef } from '@nestjs/core';
import { DEPRECATED_METADATA, type DeprecationMetadata } from './deprecated.decorator.js';

/** One deprecated handler found in the app. */
export interface DeprecatedHandler {
  controller: string;
  handler: string;
  deprecation: DeprecationMetadata;
}

/**
 * The app's deprecated handlers, found once at boot: every controller's methods are read with
 * Nest's Reflector (the method's `@Deprecated()` overriding the controller's). Looked up per request
 * by the names the core stamps on the batch (`batch.route.controller` / `.handler`): a request to a
 * controller with no deprecated handler costs one Map miss.
 */
export class DeprecatedHandlers {
  /** controller class name → handler name → its deprecation (only controllers that have one). */
  private readonly byController = new Map<string, Map<string, DeprecationMetadata>>();
  /**
   * Controller class names shared by several classes, one of them with deprecated handlers: the
   * core names the controller of a request by its class name only, so their uses cannot be told apart.
   */
  readonly ambiguous: string[] = [];

  /** Reads `@Deprecated()` on every method of `controllers` (classes). */
  static scan(controllers: Iterable<Type<unknown> | Function>, reflector: Reflector = new Reflector()): DeprecatedHandlers {
    const index = new DeprecatedHandlers();
    const scanner = new MetadataScanner();
    const classesByName = new Map<string, Set<Function>>();
    for (const controller of controllers) {
      if (typeof controller !== 'function' || !controller.prototype) continue;
      const name = controller.name;
      let classes = classesByName.get(name);
      if (!classes) classesByName.set(name, (classes = new Set()));
      if (classes.has(controller)) continue;
      classes.add(controller);
      for (const method of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[method];
        if (typeof handler !== 'function') continue;
        const deprecation = reflector.getAllAndOverride<DeprecationMetadata | undefined>(DEPRECATED_METADATA, [handler, controller]);
        if (!deprecation) continue;
        let handlers = index.byController.get(name);
        if (!handlers) index.byController.set(name, (handlers = new Map()));
        handlers.set(method, deprecation);
      }
    }
    for (const [name, classes] of classesByName) if (classes.size > 1 && index.byController.has(name)) index.ambiguous.push(name);
    return index;
  }

  /** The controller classes of a running Nest app, through its ModulesContainer (a core provider). */
  static controllersOf(moduleRef: ModuleRef): Function[] {
    const container = moduleRef.get(ModulesContainer, { strict: false });
    const out: Function[] = [];
    for (const module of container.values()) {
      for (const wrapper of module.controllers.values()) {
        if (typeof wrapper.metatype === 'function') out.push(wrapper.metatype);
      }
    }
    return out;
  }

  /** Number of deprecated handlers. */
  get size(): number {
    let n = 0;
    for (const handlers of this.byController.values()) n += handlers.size;
    return n;
  }

  /** The deprecation of a handler, or undefined (the hot path: keep it two Map lookups). */
  lookup(controller: string | undefined, handler: string | undefined): DeprecationMetadata | undefined {
    if (controller === undefined || handler === undefined) return undefined;
    return this.byController.get(controller)?.get(handler);
  }

  /** Every deprecated handler, for the boot log and the report. */
  list(): DeprecatedHandler[] {
    const out: DeprecatedHandler[] = [];
    for (const [controller, handlers] of this.byController) {
      for (const [handler, deprecation] of handlers) out.push({ controller, handler, deprecation });
    }
    return out;
  }
}
